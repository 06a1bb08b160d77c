// The skippable-frame and frame-inspection API of zstd is behind ZSTD_STATIC_LINKING_ONLY.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>
