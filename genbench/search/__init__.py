"""The `[search]` table's hyperparameter search: Optuna asks, genbench's executors run the
trials, and each entry's best settings are run again with the benchmark's seeds."""
