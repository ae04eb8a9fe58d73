// A small C face over ONNX Runtime's C API for the benchmark: one session with the CoreML execution
// provider, inputs filled once with random values, one call per prediction, and the session profile
// that tells which provider ran each node. The C API rather than the Objective-C one because only
// the C API can profile a session (EnableProfiling / SessionEndProfiling) and build float16 tensors.
// Every function that can fail returns 0 on success and -1 on failure, with the reason in `error`.
#ifndef NSBENCH_ORT_BENCH_H
#define NSBENCH_ORT_BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nsb_ort nsb_ort;

/// Creates the session for the ONNX file at `model_path` with the CoreML EP set to
/// `ml_compute_units` (ALL, CPUOnly, CPUAndGPU, CPUAndNeuralEngine), MLProgram format and static
/// input shapes. `cache_dir` keeps compiled Core ML models between launches (NULL: no cache).
/// `profile_prefix` switches ONNX Runtime's profiler on (NULL: off). NULL on failure.
nsb_ort *nsb_ort_open(const char *model_path, const char *ml_compute_units, const char *cache_dir,
                      const char *profile_prefix, char *error, size_t error_size);

/// Adds one input tensor of random values in [-1, 1]: float32, or float16 when `float16` is not 0.
int nsb_ort_add_input(nsb_ort *ort, const char *name, int float16, const int64_t *shape, size_t rank,
                      char *error, size_t error_size);

/// One prediction on the inputs added so far, asking for every output.
int nsb_ort_run(nsb_ort *ort, char *error, size_t error_size);

/// Frees the outputs of the last prediction.
void nsb_ort_release_outputs(nsb_ort *ort);

/// Stops the profiler and writes the path of the profile file it wrote into `path`.
int nsb_ort_end_profiling(nsb_ort *ort, char *path, size_t path_size, char *error, size_t error_size);

/// ONNX Runtime's version, e.g. "1.24.2".
const char *nsb_ort_version(void);

void nsb_ort_close(nsb_ort *ort);

#ifdef __cplusplus
}
#endif

#endif
