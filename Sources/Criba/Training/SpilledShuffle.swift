import Foundation

extension StreamedVectors {
    /// SGD epochs in a uniformly random order with bounded memory: each epoch reads the file
    /// once, dealing every message (label and text) to one of `files` temporary files chosen
    /// by a generator seeded with `seed`, then reads the files back one at a time, shuffles
    /// each file's messages with the same generator, and steps through them. Random files
    /// followed by a random order within each give every order of the messages the same
    /// chance, as in memory; memory holds one file's vectors.
    ///
    /// The files are unlinked as soon as they are open, so nothing is left behind, even if
    /// the process is killed.
    ///
    /// - Throws: ``IOError`` when a temporary file cannot be written or read, or what reading
    ///   the CSV file throws.
    func runSpilled(_ state: inout SGDState, files: Int, epochs: Int, seed: UInt64, progress: (Int) -> Void) throws {
        var rng = SplitMix64(seed: seed)
        let spill = try SpillFiles(count: files)
        let ws = FeatureWorkspace()
        var v = SparseVector()
        var block = FeatureMatrix()
        var order: [Int] = []
        for epoch in 0..<epochs {
            try stream.csv.forEach { text, label, _ in
                try spill.append(text: text, label: stream.index[label]!, to: Int(rng.next() % UInt64(files)))
            }
            for f in 0..<files {
                let data = try spill.takeAll(f)
                block = FeatureMatrix()
                data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                    var at = 0
                    while at + 8 <= raw.count {
                        let label = raw.loadUnaligned(fromByteOffset: at, as: Int32.self)
                        let length = Int(raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
                        let text = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[(at + 8)..<(at + 8 + length)])
                        stream.extractor.extract(bytes: text, into: ws)
                        space.vectorize(ws, into: &v)
                        block.append(v, label: label)
                        at += 8 + length
                    }
                }
                order = Array(0..<block.rows)
                rng.shuffle(&order)
                block.step(&state, in: order)
            }
            progress(epoch + 1)
        }
    }
}
