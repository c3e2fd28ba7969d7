#ifndef CRIBA_CSENTENCEPIECE_H
#define CRIBA_CSENTENCEPIECE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A loaded SentencePiece model (`sentencepiece::SentencePieceProcessor`). Thread-safe for
/// `csp_encode` once loaded.
typedef struct csp_processor csp_processor;

/// Loads a serialized SentencePiece model from `count` bytes in memory. Returns NULL on failure
/// and writes a NUL-terminated message into `error` (at most `error_capacity` bytes).
/// The corresponding C++ function is `SentencePieceProcessor::LoadFromSerializedProto`.
csp_processor *csp_load(const void *bytes, size_t count, char *error, size_t error_capacity);

/// Frees a processor from `csp_load` (NULL is allowed).
void csp_free(csp_processor *processor);

/// The number of pieces in the model's vocabulary.
int32_t csp_piece_count(const csp_processor *processor);

/// Segments `length` bytes of (possibly invalid) UTF-8 text into piece ids, without begin or
/// end markers, one unknown id per unknown character (SentencePiece itself gives one per run). Writes at most `capacity` ids into `ids` and returns how many the text has
/// (call again with a larger buffer when that exceeds `capacity`), or -1 on failure. The
/// corresponding C++ function is `SentencePieceProcessor::Encode`.
int64_t csp_encode(const csp_processor *processor, const char *text, size_t length, int32_t *ids, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
