// The C face of ONNX Runtime the Swift code calls (OrtBench/ort_bench.h).
#include "OrtBench/ort_bench.h"
