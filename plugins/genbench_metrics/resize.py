"""How images reach Inception's 299 x 299 input: the part of an FID protocol that moves it most.

- `legacy-tf`: the network resizes inside, with torch-fidelity's bit-exact port of
  TensorFlow 1's bilinear resize, as the original TTUR code, pytorch-fid and torch-fidelity do;
  the numbers of most GAN papers before 2022.
- `clean`: Parmar et al. (2022, "On Aliased Resizing and Surprising Subtleties in GAN
  Evaluation") resize each channel outside the network with PIL's antialiased bicubic filter
  on float pixels, never rounded back to uint8, as clean-fid's `clean` mode does. TensorFlow's
  legacy resize aliases when it shrinks and barely filters when it enlarges, and FID is
  sensitive to exactly those artefacts.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

INPUT_SIZE = 299


def clean_resize(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 (B, 3, H, W) to float32 (B, 3, 299, 299) in [0, 255], one channel at a time."""
    batch = pixels.to("cpu").numpy()
    resized = np.empty((len(batch), 3, INPUT_SIZE, INPUT_SIZE), dtype=np.float32)
    for i, image in enumerate(batch):
        for channel in range(3):
            plane = Image.fromarray(image[channel].astype(np.float32))
            plane = plane.resize((INPUT_SIZE, INPUT_SIZE), resample=Image.Resampling.BICUBIC)
            resized[i, channel] = np.asarray(plane).clip(0, 255)
    return torch.from_numpy(resized)
