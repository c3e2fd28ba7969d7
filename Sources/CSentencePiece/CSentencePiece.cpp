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

/// The number of UTF-8 code points in `s` (bytes that do not start a sequence are skipped).
static size_t code_points(const std::string &s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

extern "C" int64_t csp_encode(const csp_processor *processor, const char *text, size_t length, int32_t *ids, size_t capacity) {
    // One scratch vector per thread, reused: no allocation per message once it has grown.
    thread_local std::vector<int> scratch;
    try {
        const absl::string_view input(text, length);
        auto status = processor->sp.Encode(input, &scratch);
        if (!status.ok()) return -1;
        const int unknown = processor->sp.unk_id();
        bool has_unknown = false;
        for (int id : scratch) has_unknown |= id == unknown;
        if (has_unknown) {
            // SentencePiece merges a run of unknown characters into one unknown piece; give
            // one unknown id per character instead (rare: only texts with unknown characters
            // take this slower path).
            auto spt = processor->sp.EncodeAsImmutableProto(input);
            scratch.clear();
            for (size_t i = 0; i < spt.pieces_size(); i++) {
                auto piece = spt.pieces(static_cast<int>(i));
                if (static_cast<int>(piece.id()) == unknown) {
                    size_t n = code_points(piece.piece());
                    scratch.insert(scratch.end(), n > 0 ? n : 1, unknown);
                } else {
                    scratch.push_back(static_cast<int>(piece.id()));
                }
            }
        }
    } catch (...) {
        return -1;
    }
    size_t n = scratch.size();
    size_t m = n < capacity ? n : capacity;
    for (size_t i = 0; i < m; i++) ids[i] = static_cast<int32_t>(scratch[i]);
    return static_cast<int64_t>(n);
}
