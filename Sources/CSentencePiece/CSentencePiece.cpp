#include "CSentencePiece.h"

#include <sentencepiece_processor.h>

#include <cstring>
#include <new>
#include <string>
#include <vector>

struct csp_processor {
    sentencepiece::SentencePieceProcessor sp;
};

static void copy_message(const std::string &message, char *error, size_t capacity) {
    if (error == nullptr || capacity == 0) return;
    size_t n = message.size() < capacity - 1 ? message.size() : capacity - 1;
    std::memcpy(error, message.data(), n);
    error[n] = 0;
}

extern "C" csp_processor *csp_load(const void *bytes, size_t count, char *error, size_t error_capacity) {
    csp_processor *p = new (std::nothrow) csp_processor();
    if (p == nullptr) {
        copy_message("out of memory", error, error_capacity);
        return nullptr;
    }
    try {
        auto status = p->sp.LoadFromSerializedProto(
            absl::string_view(static_cast<const char *>(bytes), count));
        if (!status.ok()) {
            copy_message(status.ToString(), error, error_capacity);
            delete p;
            return nullptr;
        }
    } catch (const std::exception &e) {
        copy_message(e.what(), error, error_capacity);
        delete p;
        return nullptr;
    }
    return p;
}

extern "C" void csp_free(csp_processor *processor) { delete processor; }

extern "C" int32_t csp_piece_count(const csp_processor *processor) {
    return static_cast<int32_t>(processor->sp.GetPieceSize());
}

extern "C" int64_t csp_encode(const csp_processor *processor, const char *text, size_t length, int32_t *ids, size_t capacity) {
    // One scratch vector per thread, reused: no allocation per message once it has grown.
    thread_local std::vector<int> scratch;
    try {
        auto status = processor->sp.Encode(absl::string_view(text, length), &scratch);
        if (!status.ok()) return -1;
    } catch (...) {
        return -1;
    }
    size_t n = scratch.size();
    size_t m = n < capacity ? n : capacity;
    for (size_t i = 0; i < m; i++) ids[i] = static_cast<int32_t>(scratch[i]);
    return static_cast<int64_t>(n);
}
