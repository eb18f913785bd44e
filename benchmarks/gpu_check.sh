#!/usr/bin/env bash
# The engine's CUDA path in one short run, for a session that is lent a GPU (the engine issue's
# item 3): the seeds' MNIST MLP at batch 64 and 256, eager, compiled (CUDA graphs) and compiled
# with bf16 or fp16 autocast, as it/s and % of the GPU's measured matmul peak; SNGAN's CIFAR-10
# ResNets' and conditional BigGAN's step rates in every precision (benchmarks/bench_sngan.py).
# Goal: at least 10x the 225 it/s measured eagerly on an H100 at batch 64. Then item 4 on the
# GPU: eight small ring-8 runs, two at a time sharing the GPU against one at a time.
#
# It runs from the checkout without installing anything (the built-in plugins load by module
# name), on the machine's own torch, in about five minutes on an H200:
#   bash benchmarks/gpu_check.sh            # on the GPU
#   PYTHON=.venv/bin/python bash benchmarks/gpu_check.sh cpu 1   # the same path on a CPU
set -euo pipefail
cd "$(dirname "$0")/.."
device="${1:-cuda}"
seconds="${2:-5}"
python="${PYTHON:-python3}"
export PYTHONPATH="$PWD:$PWD/plugins${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
"$python" -c "import torch; print('torch', torch.__version__, 'CUDA', torch.cuda.is_available())"
for options in "" "--compile" "--compile --precision bf16" "--precision fp16" \
    "--compile --precision fp16"; do
    echo "== bench_train.py --device $device $options"
    # shellcheck disable=SC2086
    "$python" benchmarks/bench_train.py --device "$device" --batches 64,256 \
        --seconds "$seconds" $options
done
echo "== bench_sngan.py --device $device (SNGAN's CIFAR-10 ResNets, every precision)"
"$python" benchmarks/bench_sngan.py --device "$device" --seconds "$seconds"
echo "== bench_sngan.py --network biggan --device $device (conditional BigGAN, batch 50)"
"$python" benchmarks/bench_sngan.py --network biggan --batch 50 --device "$device" \
    --seconds "$seconds"
echo "== bench_train.py --mode jobs --device $device"
"$python" benchmarks/bench_train.py --mode jobs --device "$device" --repeats 1
