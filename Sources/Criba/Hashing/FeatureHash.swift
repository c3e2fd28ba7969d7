/// The fixed, documented hash behind every Criba feature.
///
/// Features are hashed with 64-bit FNV-1a over their UTF-8 bytes (each byte taken as an
/// unsigned `UInt8`, never sign-extended), starting from a per-namespace offset basis so
/// that a word, a character n-gram and a placeholder with the same bytes land in different
/// buckets. Word n-grams combine the hashes of their words with
/// `h = h &* 116_049_371 &+ next` (the multiplier fastText uses). The bucket of a feature is
/// `hash % buckets`.
///
/// The hash never depends on the process (unlike `Hasher`), so it can be persisted; golden
/// tests pin its values.
public enum FeatureHash {
    /// The FNV-1a 64-bit offset basis.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a 64-bit prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01b3
    /// The multiplier that combines consecutive word hashes into an n-gram hash.
    public static let ngramMultiplier: UInt64 = 116_049_371

    /// Namespaces keep features of different kinds apart.
    public enum Namespace: UInt8, Sendable {
        /// A whole token: a word stem, a placeholder, an emoji.
        case word = 1
        /// A word n-gram (n ≥ 2).
        case wordNgram = 2
        /// A character n-gram inside a word.
        case charNgram = 3
    }

    /// The offset basis of a namespace: FNV-1a of the single byte `namespace.rawValue`.
    @inlinable
    public static func seed(_ namespace: Namespace) -> UInt64 {
        (offsetBasis ^ UInt64(namespace.rawValue)) &* prime
    }

    /// FNV-1a 64 of `bytes`, continuing from `hash`.
    ///
    /// - Complexity: O(*n*) in the number of bytes.
    @inlinable
    public static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, from hash: UInt64) -> UInt64 {
        var h = hash
        for b in bytes {
            h = (h ^ UInt64(b)) &* prime
        }
        return h
    }

    /// FNV-1a 64 of a string's UTF-8 bytes in a namespace (a convenience for tests and tools).
    public static func hash(_ text: String, namespace: Namespace) -> UInt64 {
        var s = text
        return s.withUTF8 { fnv1a($0, from: seed(namespace)) }
    }

    /// Combines the hash of an n-gram prefix with the hash of the next word.
    @inlinable
    public static func combine(_ prefix: UInt64, _ next: UInt64) -> UInt64 {
        prefix &* ngramMultiplier &+ next
    }
}
