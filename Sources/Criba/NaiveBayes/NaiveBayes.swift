import Foundation

/// Naive Bayes weights from counts.
enum NaiveBayes {
    /// Adds the weighted features of every message to per-class totals.
    static func count(_ m: FeatureMatrix, features: Int, classes: Int) -> NaiveBayesCounts {
        var fc = [Double](repeating: 0, count: features * classes)
        var cc = [Double](repeating: 0, count: classes)
        for i in 0..<m.rows {
            let c = Int(m.labels[i])
            cc[c] += 1
            for k in m.offsets[i]..<m.offsets[i + 1] {
                fc[Int(m.columns[k]) * classes + c] += Double(m.values[k])
            }
        }
        return NaiveBayesCounts(featureCounts: fc, classCounts: cc)
    }

    /// Per-class totals and per-feature totals of the counts.
    static func sums(_ counts: NaiveBayesCounts, classes: Int) -> (perClass: [Double], perFeature: [Double]) {
        let f = counts.featureCounts.count / classes
        var totals = [Double](repeating: 0, count: classes)
        var featureTotals = [Double](repeating: 0, count: f)
        for r in 0..<f {
            for c in 0..<classes {
                let v = counts.featureCounts[r * classes + c]
                totals[c] += v
                featureTotals[r] += v
            }
        }
        return (totals, featureTotals)
    }

    /// Multinomial naive Bayes with Lidstone smoothing `alpha`:
    /// `W[f,c] = ln(N[f,c] + α) − ln(N[c] + α·F)`, `bias[c] = ln(n_c / n)`.
    ///
    /// Complement naive Bayes (Rennie et al. 2003, sklearn's `ComplementNB` without weight
    /// normalisation): `W[f,c] = −(ln(N̄[f,c] + α) − ln(N̄[c] + α·F))` where `N̄` counts every
    /// class but `c`; `bias` is zero.
    static func weights(_ counts: NaiveBayesCounts, classes: Int, alpha: Double, complement: Bool)
        -> (weights: [Float], bias: [Float])
    {
        let f = counts.featureCounts.count / classes
        let (totals, featureTotals) = sums(counts, classes: classes)
        let all = totals.reduce(0, +)
        var w = [Float](repeating: 0, count: f * classes)
        let fa = alpha * Double(f)
        if complement {
            let denominators = (0..<classes).map { log(all - totals[$0] + fa) }
            for r in 0..<f {
                for c in 0..<classes {
                    let comp = featureTotals[r] - counts.featureCounts[r * classes + c]
                    w[r * classes + c] = Float(-(log(comp + alpha) - denominators[c]))
                }
            }
            return (w, [Float](repeating: 0, count: classes))
        }
        let denominators = totals.map { log($0 + fa) }
        for r in 0..<f {
            for c in 0..<classes {
                w[r * classes + c] = Float(log(counts.featureCounts[r * classes + c] + alpha) - denominators[c])
            }
        }
        let n = counts.classCounts.reduce(0, +)
        let bias = counts.classCounts.map { Float(log(max($0, 1e-300) / n)) }
        return (w, bias)
    }

    /// Log-count ratios for NB-weighted logistic regression (Wang & Manning 2012), one-vs-rest
    /// per class: `r[f,c] = ln((p[f,c]/‖p_c‖₁) / (q[f,c]/‖q_c‖₁))` with `p` the smoothed
    /// feature totals of class `c` and `q` those of the other classes.
    static func logCountRatios(_ counts: NaiveBayesCounts, classes: Int, alpha: Double) -> [Float] {
        let f = counts.featureCounts.count / classes
        let (totals, featureTotals) = sums(counts, classes: classes)
        let all = totals.reduce(0, +)
        let fa = alpha * Double(f)
        var ratios = [Float](repeating: 0, count: f * classes)
        for r in 0..<f {
            for c in 0..<classes {
                let p = counts.featureCounts[r * classes + c] + alpha
                let q = featureTotals[r] - counts.featureCounts[r * classes + c] + alpha
                ratios[r * classes + c] = Float(log(p / (totals[c] + fa)) - log(q / (all - totals[c] + fa)))
            }
        }
        return ratios
    }
}
