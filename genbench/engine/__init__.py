"""The training loop of one run: the budget's clock and steps (`loop`), compilation and
precision (`acceleration`, `precision`), the critic frozen for generator steps (`freezing`),
the threads a run is given (`threads`) and the metrics scored on its clock (`timeline`)."""
