#!/usr/bin/env bash
# Runs actref's GPU measurements on the lent GPU machine (torch ≥ 2.11 already installed there).
# Each stage fits in one 10-minute device command; results land in $OUT/results/ for the session to commit.
#
#   here, once:  mkdir -p .cache/fashion-mnist && cp /usr/share/datasets/fashion-mnist/*.gz .cache/fashion-mnist/
#   device run:  carry [".cache/fashion-mnist"], command `bash benchmarks/gpu_run.sh check|mlp|others|cost`
#   then:        copy $OUT/results/*.json into results/, check `python -m actref experiments show NAME`, commit.
set -euo pipefail
stage=${1:?usage: gpu_run.sh check|mlp|others|cost}
export ACTREF_DATA=${ACTREF_DATA:-$PWD/.cache/fashion-mnist} PYTHONPATH=$PWD
out=${OUT:-$PWD/.cache/gpu}/results
mkdir -p "$out"
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.__version__, torch.cuda.get_device_name())"
case "$stage" in
  check)  # the CUDA-graph trainer equals the eager one; the CUDA cost path runs end to end
    python -m pytest -q -p no:cacheprovider tests/test_experiments.py tests/test_cost.py tests/test_fast.py -m cuda
    python benchmarks/training_throughput.py --device cuda ;;
  mlp)
    python -m actref experiments run --config fashion_mnist_mlp --device cuda --out "$out" ;;
  others)
    for c in self_normalisation gated depth learning_rate fashion_mnist_cnn; do
      python -m actref experiments run --config "$c" --device cuda --out "$out"
    done ;;
  cost)
    python -m actref cost run --device cuda --out "$out/cost.json" ;;
  *) echo "unknown stage $stage" >&2; exit 2 ;;
esac
