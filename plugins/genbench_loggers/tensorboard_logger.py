"""TensorBoard: training scalars per log window, final metrics and the sample grid, written
by torch's SummaryWriter to `<run_dir>/tb/` (see `base.log_dir`)."""

from __future__ import annotations

import genbench
from genbench.api import RunRecord

from .base import RunLogger, final_metrics, final_step, log_dir, missing, samples_path


class TensorBoardLogger(RunLogger):
    def __init__(self, run: genbench.RunInfo) -> None:
        super().__init__(run)
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            raise missing("tensorboard", "tensorboard", "tensorboard") from None
        self.writer = SummaryWriter(log_dir=str(log_dir(run, "tb")))
        self.writer.add_text("run", f"{run.benchmark}: {run.entry}, seed {run.seed}")

    def log(self, step: int, scalars: dict[str, float]) -> None:
        for key, value in scalars.items():
            self.writer.add_scalar(f"train/{key}", value, step)

    def finish(self, record: RunRecord) -> None:
        step = final_step(record)
        for key, value in final_metrics(record).items():
            self.writer.add_scalar(f"metrics/{key}", value, step)
        self.writer.add_text("status", str(record.status), step)
        path = samples_path(self.run)
        if path is not None:
            import numpy as np
            from PIL import Image

            with Image.open(path) as image:
                grid = np.asarray(image.convert("RGB"))
            self.writer.add_image("samples", grid, step, dataformats="HWC")

    def close(self) -> None:
        self.writer.close()
