import CSentencePiece

/// A SentencePiece model loaded from its serialized bytes. The only file that calls
/// SentencePiece (Debian's `libsentencepiece`, through the `CSentencePiece` C API).
///
/// Immutable once loaded; `pieces(of:into:)` may be called from several threads at once.
final class SentencePieceModel: @unchecked Sendable {
    private let handle: OpaquePointer

    /// The number of pieces in the vocabulary.
    let pieceCount: Int

    /// Loads a model from the bytes of a `.model` file. The corresponding C++ function is
    /// `SentencePieceProcessor::LoadFromSerializedProto`.
    ///
    /// - Throws: the library's message, as a `String` wrapped by the caller.
    init(serialized bytes: UnsafeRawBufferPointer) throws(SentencePieceLoadError) {
        var message = [CChar](repeating: 0, count: 512)
        guard let base = bytes.baseAddress,
            let p = csp_load(base, bytes.count, &message, message.count)
        else {
            let text = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw SentencePieceLoadError(message: bytes.isEmpty ? "empty SentencePiece model" : text)
        }
        handle = p
        pieceCount = Int(csp_piece_count(p))
    }

    deinit { csp_free(handle) }

    /// Appends the piece ids of `text` (UTF-8; invalid sequences are tolerated) to `ids`,
    /// without begin or end markers. The corresponding C++ function is
    /// `SentencePieceProcessor::Encode`.
    ///
    /// - Returns: the number of ids appended (0 for a text with no pieces, such as one of
    ///   spaces only; also 0 if the library reports a failure).
    @discardableResult
    func pieces(of text: UnsafeBufferPointer<UInt8>, into ids: RawBuffer<Int32>) -> Int {
        let start = ids.count
        var room = max(16, text.count + 8)
        while true {
            ids.reserve(room)
            let n = text.withMemoryRebound(to: CChar.self) { t in
                csp_encode(handle, t.baseAddress, t.count, ids.base + start, room)
            }
            if n < 0 { return 0 }
            if Int(n) <= room {
                ids.count = start + Int(n)
                return Int(n)
            }
            room = Int(n)
        }
    }
}

/// A SentencePiece model the library refused.
struct SentencePieceLoadError: Error {
    var message: String
}
