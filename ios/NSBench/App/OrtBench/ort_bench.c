// See ort_bench.h. The headers come from the `onnxruntime` binary target of the
// onnxruntime-swift-package-manager package (a static onnxruntime.framework).
#include "ort_bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<onnxruntime/onnxruntime_c_api.h>)
#include <onnxruntime/onnxruntime_c_api.h>
#else
#include <onnxruntime_c_api.h>
#endif

struct nsb_ort {
    const OrtApi *api;
    OrtEnv *env;
    OrtSessionOptions *options;
    OrtSession *session;
    OrtMemoryInfo *memory;
    size_t input_count;
    char **input_names;
    OrtValue **inputs;
    void **input_data;
    size_t output_count;
    char **output_names;
    OrtValue **outputs;
    int profiling;
};

/// Copies the status's message into `error` (prefixed with what was being done) and frees it.
static int fail(const OrtApi *api, OrtStatus *status, const char *what, char *error, size_t error_size) {
    snprintf(error, error_size, "%s: %s", what, api->GetErrorMessage(status));
    api->ReleaseStatus(status);
    return -1;
}

/// strdup, which strict C does not declare.
static char *copy_string(const char *text) {
    size_t size = strlen(text) + 1;
    char *copy = malloc(size);
    if (copy != NULL) memcpy(copy, text, size);
    return copy;
}

#define ORT_TRY(call, what)                                                                      \
    do {                                                                                         \
        OrtStatus *status_ = (call);                                                             \
        if (status_ != NULL) return fail(ort->api, status_, (what), error, error_size);          \
    } while (0)

static int create_session(nsb_ort *ort, const char *model_path, const char *ml_compute_units, const char *cache_dir,
                          const char *profile_prefix, char *error, size_t error_size) {
    ORT_TRY(ort->api->CreateEnv(ORT_LOGGING_LEVEL_WARNING, "nsbench", &ort->env), "CreateEnv");
    ORT_TRY(ort->api->CreateSessionOptions(&ort->options), "CreateSessionOptions");
    ORT_TRY(ort->api->SetSessionGraphOptimizationLevel(ort->options, ORT_ENABLE_ALL),
            "SetSessionGraphOptimizationLevel");
    if (profile_prefix != NULL) {
        ORT_TRY(ort->api->EnableProfiling(ort->options, profile_prefix), "EnableProfiling");
        ort->profiling = 1;
    }
    const char *keys[4] = {"MLComputeUnits", "ModelFormat", "RequireStaticInputShapes", "ModelCacheDirectory"};
    const char *values[4] = {ml_compute_units, "MLProgram", "1", cache_dir};
    size_t count = cache_dir != NULL ? 4 : 3;
    ORT_TRY(ort->api->SessionOptionsAppendExecutionProvider(ort->options, "CoreML", keys, values, count),
            "appending the CoreML execution provider");
    ORT_TRY(ort->api->CreateSession(ort->env, model_path, ort->options, &ort->session), "CreateSession");
    ORT_TRY(ort->api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &ort->memory), "CreateCpuMemoryInfo");
    return 0;
}

static int read_output_names(nsb_ort *ort, char *error, size_t error_size) {
    OrtAllocator *allocator = NULL;
    ORT_TRY(ort->api->GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
    ORT_TRY(ort->api->SessionGetOutputCount(ort->session, &ort->output_count), "SessionGetOutputCount");
    ort->output_names = calloc(ort->output_count, sizeof(char *));
    ort->outputs = calloc(ort->output_count, sizeof(OrtValue *));
    if (ort->output_count > 0 && (ort->output_names == NULL || ort->outputs == NULL)) {
        snprintf(error, error_size, "out of memory for %zu outputs", ort->output_count);
        return -1;
    }
    for (size_t i = 0; i < ort->output_count; i++) {
        char *name = NULL;
        ORT_TRY(ort->api->SessionGetOutputName(ort->session, i, allocator, &name), "SessionGetOutputName");
        ort->output_names[i] = copy_string(name);
        ORT_TRY(ort->api->AllocatorFree(allocator, name), "AllocatorFree");
        if (ort->output_names[i] == NULL) {
            snprintf(error, error_size, "out of memory for the output names");
            return -1;
        }
    }
    return 0;
}

nsb_ort *nsb_ort_open(const char *model_path, const char *ml_compute_units, const char *cache_dir,
                      const char *profile_prefix, char *error, size_t error_size) {
    nsb_ort *ort = calloc(1, sizeof(nsb_ort));
    if (ort == NULL) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    ort->api = OrtGetApiBase()->GetApi(ORT_API_VERSION);
    if (ort->api == NULL) {
        snprintf(error, error_size, "ONNX Runtime %s does not offer C API version %d",
                 OrtGetApiBase()->GetVersionString(), ORT_API_VERSION);
        free(ort);
        return NULL;
    }
    if (create_session(ort, model_path, ml_compute_units, cache_dir, profile_prefix, error, error_size) != 0 ||
        read_output_names(ort, error, error_size) != 0) {
        nsb_ort_close(ort);
        return NULL;
    }
    return ort;
}

/// xorshift32: the values do not change the latency of a dense graph, only their count does.
static uint32_t next_random(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/// IEEE half from a float in [-1, 1] (truncating; values too small for a normal half become 0).
static uint16_t half_from_float(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    int32_t exponent = (int32_t)((bits >> 23) & 0xffu) - 127 + 15;
    if (exponent <= 0) return sign;
    if (exponent >= 31) return (uint16_t)(sign | 0x7c00u);
    return (uint16_t)(sign | ((uint32_t)exponent << 10) | ((bits & 0x7fffffu) >> 13));
}

static int grow_inputs(nsb_ort *ort) {
    size_t n = ort->input_count + 1;
    char **names = realloc(ort->input_names, n * sizeof(char *));
    if (names == NULL) return -1;
    ort->input_names = names;
    OrtValue **values = realloc(ort->inputs, n * sizeof(OrtValue *));
    if (values == NULL) return -1;
    ort->inputs = values;
    void **data = realloc(ort->input_data, n * sizeof(void *));
    if (data == NULL) return -1;
    ort->input_data = data;
    return 0;
}

int nsb_ort_add_input(nsb_ort *ort, const char *name, int float16, const int64_t *shape, size_t rank,
                      char *error, size_t error_size) {
    size_t count = 1;
    for (size_t i = 0; i < rank; i++) count *= (size_t)shape[i];
    size_t element_size = float16 ? sizeof(uint16_t) : sizeof(float);
    void *data = malloc(count * element_size);
    if (data == NULL || grow_inputs(ort) != 0) {
        free(data);
        snprintf(error, error_size, "out of memory for input %s (%zu values)", name, count);
        return -1;
    }
    uint32_t state = 0x9e3779b9u ^ (uint32_t)ort->input_count;
    for (size_t i = 0; i < count; i++) {
        float value = ((float)(next_random(&state) >> 8) / 16777216.0f) * 2.0f - 1.0f;
        if (float16) {
            ((uint16_t *)data)[i] = half_from_float(value);
        } else {
            ((float *)data)[i] = value;
        }
    }
    OrtValue *tensor = NULL;
    ONNXTensorElementDataType type =
        float16 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 : ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    OrtStatus *status = ort->api->CreateTensorWithDataAsOrtValue(ort->memory, data, count * element_size, shape, rank,
                                                                 type, &tensor);
    if (status != NULL) {
        free(data);
        return fail(ort->api, status, "CreateTensorWithDataAsOrtValue", error, error_size);
    }
    ort->input_names[ort->input_count] = copy_string(name);
    ort->inputs[ort->input_count] = tensor;
    ort->input_data[ort->input_count] = data;
    ort->input_count++;
    return 0;
}

int nsb_ort_run(nsb_ort *ort, char *error, size_t error_size) {
    nsb_ort_release_outputs(ort);
    ORT_TRY(ort->api->Run(ort->session, NULL, (const char *const *)ort->input_names,
                          (const OrtValue *const *)ort->inputs, ort->input_count,
                          (const char *const *)ort->output_names, ort->output_count, ort->outputs),
            "Run");
    return 0;
}

void nsb_ort_release_outputs(nsb_ort *ort) {
    for (size_t i = 0; i < ort->output_count; i++) {
        if (ort->outputs[i] != NULL) ort->api->ReleaseValue(ort->outputs[i]);
        ort->outputs[i] = NULL;
    }
}

int nsb_ort_end_profiling(nsb_ort *ort, char *path, size_t path_size, char *error, size_t error_size) {
    path[0] = '\0';
    if (!ort->profiling) return 0;
    OrtAllocator *allocator = NULL;
    ORT_TRY(ort->api->GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions");
    char *file = NULL;
    ORT_TRY(ort->api->SessionEndProfiling(ort->session, allocator, &file), "SessionEndProfiling");
    ort->profiling = 0;
    snprintf(path, path_size, "%s", file);
    ORT_TRY(ort->api->AllocatorFree(allocator, file), "AllocatorFree");
    return 0;
}

const char *nsb_ort_version(void) {
    return OrtGetApiBase()->GetVersionString();
}

void nsb_ort_close(nsb_ort *ort) {
    if (ort == NULL) return;
    if (ort->outputs != NULL) nsb_ort_release_outputs(ort);
    for (size_t i = 0; i < ort->input_count; i++) {
        ort->api->ReleaseValue(ort->inputs[i]);
        free(ort->input_data[i]);
        free(ort->input_names[i]);
    }
    for (size_t i = 0; i < ort->output_count && ort->output_names != NULL; i++) free(ort->output_names[i]);
    free(ort->inputs);
    free(ort->input_data);
    free(ort->input_names);
    free(ort->outputs);
    free(ort->output_names);
    if (ort->memory != NULL) ort->api->ReleaseMemoryInfo(ort->memory);
    if (ort->session != NULL) ort->api->ReleaseSession(ort->session);
    if (ort->options != NULL) ort->api->ReleaseSessionOptions(ort->options);
    if (ort->env != NULL) ort->api->ReleaseEnv(ort->env);
    free(ort);
}
