import Foundation

/// Messages that stochastic gradient descent visits one at a time, epoch after epoch, in an
/// order the data decides: a ``FeatureMatrix`` in memory reshuffles all its messages each
/// epoch; a stream read from a file shuffles them within blocks.
protocol SGDPasses {
    /// The number of messages.
    var rows: Int { get }
    /// The mean over messages of their squared L2 norm (sets ``SGDState/stepScale(meanSquaredNorm:)``).
    func meanSquaredNorm() throws -> Double
    /// Runs `epochs` passes, one ``SGDState/step(columns:values:label:)`` per message;
    /// `progress` receives the number of finished epochs.
    func run(_ state: inout SGDState, epochs: Int, seed: UInt64, progress: (Int) -> Void) throws
}

/// Stochastic gradient descent for the objective of ``SoftmaxObjective``: one message at a
/// time in a seeded order, a linearly decaying learning rate, and L2 decay applied through a
/// global scale (`W = scale · V`) so each step touches only the message's features.
struct SoftmaxSGD {
    var epochs = 10
    var learningRate: Float = 0.5
    var seed: UInt64 = 1

    /// The parameters (`W`, feature-major `F×C`, then `b`) after ``epochs`` passes over `data`.
    ///
    /// - Parameters:
    ///   - data: The messages and the order they are visited in.
    ///   - features: `F`.
    ///   - classes: `C`.
    ///   - lambda: L2 strength (0 for none).
    ///   - classWeights: The weight of each class's messages.
    ///   - ratios: Optional feature-major `F×C` naive Bayes log-count ratios.
    ///   - loss: The loss.
    ///   - start: Parameters to start from (a warm start); zeros by default.
    ///   - progress: Receives the number of finished epochs.
    /// - Throws: What reading `data` throws.
    func minimize(
        _ data: some SGDPasses, features: Int, classes: Int, lambda: Float, classWeights: [Float], ratios: [Float]?,
        loss: Loss, from start: [Float]? = nil, progress: (Int) -> Void = { _ in }
    ) throws -> [Float] {
        let rate = learningRate * SGDState.stepScale(meanSquaredNorm: try data.meanSquaredNorm())
        var state = SGDState(
            features: features, classes: classes, lambda: lambda, classWeights: classWeights, ratios: ratios,
            learningRate: rate, totalSteps: epochs * data.rows, loss: loss)
        if let start { state.v = start }
        try data.run(&state, epochs: epochs, seed: seed, progress: progress)
        return state.finish()
    }
}

/// The state of a stochastic-gradient run: weights `V` with a global scale, the step count for
/// the learning-rate schedule, and scratch. Used for in-memory and streaming training.
struct SGDState {
    /// The factor on the learning rate that keeps SGD stable on messages whose squared norm
    /// averages `meanSquaredNorm`: 1 for normalised features (each block has norm 1, so at
    /// most 2), `2 / meanSquaredNorm` above 2.5. A step moves a score by about rate · ‖x‖², so
    /// unnormalised counts (‖x‖² in the hundreds) took steps a hundred times too long and
    /// diverged.
    static func stepScale(meanSquaredNorm: Double) -> Float {
        meanSquaredNorm > 2.5 ? Float(2 / meanSquaredNorm) : 1
    }

    let classes: Int
    let wCount: Int
    let lambda: Float
    let classWeights: [Float]
    let ratios: [Float]?
    let learningRate: Float
    let totalSteps: Float
    let loss: Loss
    var v: [Float]
    var scale: Float = 1
    var t: Float = 0
    var s: [Float]

    init(features: Int, classes: Int, lambda: Float, classWeights: [Float], ratios: [Float]?, learningRate: Float, totalSteps: Int, loss: Loss = .log) {
        self.classes = classes
        self.loss = loss
        self.wCount = features * classes
        self.lambda = lambda
        self.classWeights = classWeights
        self.ratios = ratios
        self.learningRate = learningRate
        self.totalSteps = Float(max(1, totalSteps))
        v = [Float](repeating: 0, count: features * classes + classes)
        s = [Float](repeating: 0, count: classes)
    }

    /// One update on one message.
    @inline(__always)
    mutating func step(columns cols: UnsafeBufferPointer<Int32>, values vals: UnsafeBufferPointer<Float>, label y: Int) {
        let c = classes
        let wCount = self.wCount
        let lr = learningRate * max(1e-4, 1 - t / totalSteps)
        t += 1
        let lambda = self.lambda
        var scale = self.scale
        let cw = classWeights[y]
        let ratios = self.ratios
        v.withUnsafeMutableBufferPointer { w in
            s.withUnsafeMutableBufferPointer { s in
                for j in 0..<c { s[j] = 0 }
                if let r = ratios {
                    for k in 0..<cols.count {
                        let x = vals[k]
                        let base = Int(cols[k]) * c
                        for j in 0..<c { s[j] += x * r[base + j] * w[base + j] }
                    }
                } else {
                    for k in 0..<cols.count {
                        let x = vals[k]
                        let base = Int(cols[k]) * c
                        for j in 0..<c { s[j] += x * w[base + j] }
                    }
                }
                for j in 0..<c { s[j] = s[j] * scale + w[wCount + j] }
                _ = loss.gradient(s, label: y, weight: cw)
                if lambda > 0 {
                    scale *= 1 - lr * lambda
                    if scale < 1e-4 {
                        BLAS.scale(scale, w.baseAddress!, count: wCount)
                        scale = 1
                    }
                }
                let stepSize = lr / scale
                if let r = ratios {
                    for k in 0..<cols.count {
                        let x = vals[k] * stepSize
                        let base = Int(cols[k]) * c
                        for j in 0..<c { w[base + j] -= x * r[base + j] * s[j] }
                    }
                } else {
                    for k in 0..<cols.count {
                        let x = vals[k] * stepSize
                        let base = Int(cols[k]) * c
                        for j in 0..<c { w[base + j] -= x * s[j] }
                    }
                }
                for j in 0..<c { w[wCount + j] -= lr * s[j] }
            }
        }
        self.scale = scale
    }

    /// The parameters (`W` then `b`) with the scale applied.
    mutating func finish() -> [Float] {
        if scale != 1 {
            v.withUnsafeMutableBufferPointer { BLAS.scale(scale, $0.baseAddress!, count: wCount) }
            scale = 1
        }
        return v
    }
}

extension FeatureMatrix: SGDPasses {
    func meanSquaredNorm() -> Double {
        rows > 0 ? Self.squaredSum(values) / Double(rows) : 0
    }

    /// `epochs` passes over the messages, one at a time in an order shuffled each epoch by a
    /// generator seeded with `seed`; `progress` receives the number of finished epochs.
    func run(_ state: inout SGDState, epochs: Int, seed: UInt64, progress: (Int) -> Void) {
        var order = Array(0..<rows)
        var rng = SplitMix64(seed: seed)
        for epoch in 0..<epochs {
            rng.shuffle(&order)
            step(&state, in: order)
            progress(epoch + 1)
        }
    }

    /// One SGD step per message, in `order` (row indices).
    func step(_ state: inout SGDState, in order: [Int]) {
        columns.withUnsafeBufferPointer { cols in
            values.withUnsafeBufferPointer { vals in
                for i in order {
                    let r = offsets[i]..<offsets[i + 1]
                    state.step(
                        columns: UnsafeBufferPointer(rebasing: cols[r]), values: UnsafeBufferPointer(rebasing: vals[r]),
                        label: Int(labels[i]))
                }
            }
        }
    }
}
