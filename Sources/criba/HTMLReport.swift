import Criba
import Foundation

/// A self-contained HTML evaluation report: inline CSS and SVG, no scripts, no network.
enum HTMLReport {
    /// Text escaped for HTML element content and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        appendEscaped(s, to: &out) { ch in
            switch ch {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "'": return "&#39;"
            default: return ch.value < 0x20 && ch != "\n" && ch != "\t" ? "\u{FFFD}" : nil
            }
        }
        return out
    }

    static func f(_ x: Double, _ digits: Int = 3) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "–" }
    static func px(_ x: Double) -> String { String(format: "%.1f", x) }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;max-width:1100px;color:#1d2430;background:#fff;padding:0 16px}
        h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #dde2ea;padding-bottom:4px}
        p.source{color:#5a6472;margin:0 0 16px}
        .cards{display:flex;flex-wrap:wrap;gap:10px}
        .card{border:1px solid #dde2ea;border-radius:6px;padding:8px 14px;min-width:110px}
        .card b{display:block;font-size:20px}.card span{color:#5a6472;font-size:12px}
        .row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
        svg{font-size:12px;font-family:inherit}svg text{fill:#1d2430}
        table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #e6e9ef;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#f4f6f9}td.n{text-align:right;font-variant-numeric:tabular-nums}
        td.msg{max-width:420px;word-wrap:break-word}code{font-size:12px;background:#f4f6f9;padding:1px 4px;border-radius:3px;margin:1px;display:inline-block}
        .note{color:#5a6472;font-size:13px}
        .scroll{overflow:auto;max-width:100%;max-height:85vh;border:1px solid #eef0f4}
        details{margin:8px 0}summary{cursor:pointer;color:#2563eb}
        tr.avg td{font-weight:600;background:#fafbfc}
        """

    /// Renders the report.
    static func render(
        _ e: Evaluation, source: String, uncalibrated: Evaluation?, suggestion: ThresholdSuggestion?
    ) -> String {
        var h = "<!DOCTYPE html>\n<html lang=\"es\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<title>Criba evaluation report</title>\n<style>\n\(style)\n</style>\n</head>\n<body>\n"
        h += "<h1>Criba evaluation report</h1>\n<p class=\"source\">\(escape(source))</p>\n"
        h += "<div class=\"cards\">\n"
        func card(_ value: String, _ name: String) { h += "<div class=\"card\"><b>\(escape(value))</b><span>\(escape(name))</span></div>\n" }
        card("\(e.count)", "messages")
        card(f(e.accuracy), "accuracy")
        card(f(e.macroF1), "macro F1")
        card(f(e.weightedF1), "weighted F1")
        card(f(e.logLoss), uncalibrated.map { "log loss (T=1: \(f($0.logLoss)))" } ?? "log loss")
        let rough = e.count < EvaluationReport.minimumForECE ? ", too few messages for 15 bins: a rough sign only" : ""
        card(f(e.expectedCalibrationError()), (uncalibrated.map { "ECE (T=1: \(f($0.expectedCalibrationError())))" } ?? "ECE") + rough)
        if let positive = e.positiveLabel {
            card(e.rocAUC.map { f($0) } ?? "–", "ROC-AUC (positive: \(positive))")
            card(e.averagePrecision.map { f($0) } ?? "–", "PR-AUC (positive: \(positive))")
        }
        if let (target, point, heldOut) = suggestion {
            if let p = point {
                card(String(format: "%.3f", p.threshold), "threshold for accuracy \(f(target))\(heldOut ? " (chosen on held-out folds)" : ""): coverage \(f(p.coverage * 100, 1))%, accuracy \(f(p.accuracy))")
            } else {
                card("none", "threshold for accuracy \(f(target))")
            }
        }
        h += "</div>\n"
        h += "<h2>Confusion matrix</h2>\n<p class=\"note\">Rows are true labels, columns predicted labels; cells show message counts and their colour the share of the row (legend below the matrix). Hover a cell for its labels.</p>\n"
        h += "<div class=\"scroll\">\n" + confusionSVG(e, rowPercent: false) + "</div>\n"
        h += "<details><summary>Row-normalised view (% of each true label)</summary>\n<div class=\"scroll\">\n"
            + confusionSVG(e, rowPercent: true) + "</div>\n</details>\n"
        h += "<h2>Precision, recall and F1 per label</h2>\n" + metricsTable(e)
        h += "<h2>F1 per label</h2>\n" + f1SVG(e)
        if e.positiveLabel != nil {
            h += "<h2>ROC and precision-recall curves</h2>\n<div class=\"row\">\n" + rocSVG(e) + prSVG(e) + "</div>\n"
        }
        h += "<h2>Calibration and coverage</h2>\n<div class=\"row\">\n" + reliabilitySVG(e) + coverageSVG(e) + "</div>\n"
        h += coverageTable(e)
        h += "<h2>Most confident mistakes</h2>\n" + mistakesTable(e)
        h += "</body>\n</html>\n"
        return h
    }

    /// The confusion matrix as a heatmap: counts, or each cell's share of its row in percent.
    static func confusionSVG(_ e: Evaluation, rowPercent: Bool) -> String {
        let shown = e.labels.indices.filter { i in e.confusion[i].reduce(0, +) > 0 || e.confusion.contains { $0[i] > 0 } }
        let many = shown.count > 12
        let cell = many ? 28.0 : 44.0
        let longest = Double(shown.map { e.labels[$0].count }.max() ?? 6)
        let left = min(260, max(110, 7 * longest + 16))
        let top = min(200, max(70, 5.2 * longest + 20))
        let legendHeight = 58.0
        let w = max(left + 400, left + cell * Double(shown.count) + 90)
        let ht = top + cell * Double(shown.count) + legendHeight + 10
        let id = rowPercent ? "confusion-percent-title" : "confusion-title"
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(px(w))\" height=\"\(px(ht))\" role=\"img\" aria-labelledby=\"\(id)\">\n"
        s += "<title id=\"\(id)\">Confusion matrix heatmap\(rowPercent ? " (% of each true label)" : "")</title>\n"
        let fontSize = many ? "10px" : "12px"
        for (c, j) in shown.enumerated() {
            let x = left + cell * Double(c) + cell / 2
            s += "<text x=\"\(px(x))\" y=\"\(px(top - 6))\" transform=\"rotate(-45 \(px(x)) \(px(top - 6)))\" style=\"font-size:\(fontSize)\">\(escape(e.labels[j]))</text>\n"
        }
        for (r, i) in shown.enumerated() {
            let y = top + cell * Double(r)
            let total = max(1, e.confusion[i].reduce(0, +))
            s += "<text x=\"\(px(left - 6))\" y=\"\(px(y + cell / 2 + 4))\" text-anchor=\"end\" style=\"font-size:\(fontSize)\">\(escape(e.labels[i]))</text>\n"
            for (c, j) in shown.enumerated() {
                let n = e.confusion[i][j]
                let share = Double(n) / Double(total)
                let x = left + cell * Double(c)
                let colour = i == j ? "37,99,235" : "220,38,38"
                s += "<rect x=\"\(px(x))\" y=\"\(px(y))\" width=\"\(px(cell - 2))\" height=\"\(px(cell - 2))\" fill=\"rgb(\(colour))\" fill-opacity=\"\(f(n == 0 ? 0.03 : 0.12 + 0.88 * share, 3))\"><title>\(escape("\(e.labels[i]) → \(e.labels[j]): \(n) (\(f(share * 100, 1))% of \(e.labels[i]))"))</title></rect>\n"
                if n > 0 {
                    let fill = share > 0.5 ? "#ffffff" : "#1d2430"
                    let value = rowPercent ? (share >= 0.995 ? "100" : f(share * 100, share < 0.1 ? 1 : 0)) : "\(n)"
                    s += "<text x=\"\(px(x + cell / 2 - 1))\" y=\"\(px(y + cell / 2 + 4))\" text-anchor=\"middle\" style=\"fill:\(fill);font-size:\(fontSize)\">\(value)</text>\n"
                }
            }
        }
        // Legend: the colour scale of both kinds of cell.
        let ly = top + cell * Double(shown.count) + 14
        let steps = [0.0, 0.25, 0.5, 0.75, 1.0]
        for (row, (colour, name)) in [("37,99,235", "right (diagonal)"), ("220,38,38", "confused")].enumerated() {
            let yy = ly + Double(row) * 16
            s += "<text x=\"\(px(left - 6))\" y=\"\(px(yy + 10))\" text-anchor=\"end\" style=\"font-size:11px\">\(name)</text>\n"
            for (k, share) in steps.enumerated() {
                s += "<rect x=\"\(px(left + Double(k) * 34))\" y=\"\(px(yy))\" width=\"32\" height=\"13\" fill=\"rgb(\(colour))\" fill-opacity=\"\(f(0.12 + 0.88 * share, 3))\"/>\n"
            }
        }
        for (k, share) in steps.enumerated() {
            s += "<text x=\"\(px(left + Double(k) * 34 + 16))\" y=\"\(px(ly + 44))\" text-anchor=\"middle\" style=\"font-size:10px\">\(Int(share * 100))%</text>\n"
        }
        s += "<text x=\"\(px(left + 5 * 34 + 8))\" y=\"\(px(ly + 22))\" style=\"font-size:11px\">share of the true label's messages</text>\n"
        return s + "</svg>\n"
    }

    /// Precision, recall, F1 and support per label, then the macro and weighted averages.
    static func metricsTable(_ e: Evaluation) -> String {
        var s = "<table>\n<tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n"
        for m in e.perClass {
            s += "<tr><td>\(escape(m.label))</td><td class=\"n\">\(f(m.precision))</td><td class=\"n\">\(f(m.recall))</td><td class=\"n\">\(f(m.f1))</td><td class=\"n\">\(m.support)</td></tr>\n"
        }
        let a = e.averages
        for (name, v) in [("macro average", a.macro), ("weighted average", a.weighted)] {
            s += "<tr class=\"avg\"><td>\(name)</td><td class=\"n\">\(f(v.precision))</td><td class=\"n\">\(f(v.recall))</td><td class=\"n\">\(f(v.f1))</td><td class=\"n\">\(e.count)</td></tr>\n"
        }
        return s + "</table>\n"
    }

    /// The opening of a square plot's SVG: its accessible title, a heading line and the axes.
    static func plotStart(id: String, title: String, heading: String, height: Int, yMin: Double, xName: String, yName: String) -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"460\" height=\"\(height)\" role=\"img\" aria-labelledby=\"\(id)\">\n"
        s += "<title id=\"\(id)\">\(escape(title))</title>\n"
        s += "<text x=\"\(px(plotX0))\" y=\"18\">\(escape(heading))</text>\n"
        return s + axes(x0: plotX0, y0: plotY0, size: plotSize, yMin: yMin, xName: xName, yName: yName)
    }

    /// Left edge, top edge and side of the square plots.
    static let plotX0 = 60.0
    static let plotY0 = 30.0
    static let plotSize = 360.0

    /// A curve on the unit square, with a title and axis names.
    static func curveSVG(id: String, title: String, points: [(x: Double, y: Double)], xName: String, yName: String, diagonal: Bool) -> String {
        let (x0, y0, size) = (plotX0, plotY0, plotSize)
        var s = plotStart(id: id, title: title, heading: title, height: 460, yMin: 0, xName: xName, yName: yName)
        if diagonal {
            s += "<line x1=\"\(px(x0))\" y1=\"\(px(y0 + size))\" x2=\"\(px(x0 + size))\" y2=\"\(px(y0))\" stroke=\"#9aa3b0\" stroke-dasharray=\"5,4\"/>\n"
        }
        let line = points.map { "\(px(x0 + size * $0.x)),\(px(y0 + size * (1 - $0.y)))" }.joined(separator: " ")
        s += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\"/>\n"
        return s + "</svg>\n"
    }

    static func rocSVG(_ e: Evaluation) -> String {
        curveSVG(
            id: "roc-title", title: "ROC (positive: \(e.positiveLabel ?? "")), AUC \(e.rocAUC.map { f($0) } ?? "–")", points: e.rocCurve,
            xName: "false positive rate", yName: "true positive rate (recall)", diagonal: true)
    }

    static func prSVG(_ e: Evaluation) -> String {
        curveSVG(
            id: "pr-title", title: "Precision-recall (positive: \(e.positiveLabel ?? "")), AP \(e.averagePrecision.map { f($0) } ?? "–")",
            points: e.precisionRecallCurve, xName: "recall", yName: "precision", diagonal: false)
    }

    /// Horizontal F1 bars, one per label with true examples.
    static func f1SVG(_ e: Evaluation) -> String {
        let m = e.perClass.filter { $0.support > 0 }
        let bar = 22.0
        let left = max(140, 7 * Double(m.map { $0.label.count }.max() ?? 0) + 16)
        let width = 520.0
        let ht = bar * Double(m.count) + 40
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(px(left + width + 240))\" height=\"\(px(ht))\" role=\"img\" aria-labelledby=\"f1-title\">\n"
        s += "<title id=\"f1-title\">F1 per label</title>\n"
        for t in stride(from: 0.0, through: 1.0, by: 0.2) {
            let x = left + width * t
            s += "<line x1=\"\(px(x))\" y1=\"0\" x2=\"\(px(x))\" y2=\"\(px(ht - 24))\" stroke=\"#e6e9ef\"/>\n"
            s += "<text x=\"\(px(x))\" y=\"\(px(ht - 8))\" text-anchor=\"middle\">\(f(t, 1))</text>\n"
        }
        for (k, c) in m.enumerated() {
            let y = bar * Double(k)
            s += "<text x=\"\(px(left - 6))\" y=\"\(px(y + bar / 2 + 4))\" text-anchor=\"end\">\(escape(c.label))</text>\n"
            s += "<rect x=\"\(px(left))\" y=\"\(px(y + 3))\" width=\"\(px(max(1, width * c.f1)))\" height=\"\(px(bar - 6))\" fill=\"#2563eb\"><title>\(escape("\(c.label): F1 \(f(c.f1)), precision \(f(c.precision)), recall \(f(c.recall)), support \(c.support)"))</title></rect>\n"
            s += "<text x=\"\(px(left + width * c.f1 + 6))\" y=\"\(px(y + bar / 2 + 4))\">\(f(c.f1)) (P \(f(c.precision, 2)), R \(f(c.recall, 2)), n \(c.support))</text>\n"
        }
        return s + "</svg>\n"
    }

    /// Axes of a square plot: frame, ticks and axis names.
    static func axes(x0: Double, y0: Double, size: Double, yMin: Double, xName: String, yName: String) -> String {
        var s = "<rect x=\"\(px(x0))\" y=\"\(px(y0))\" width=\"\(px(size))\" height=\"\(px(size))\" fill=\"none\" stroke=\"#9aa3b0\"/>\n"
        for k in 0...5 {
            let t = Double(k) / 5
            let x = x0 + size * t
            let y = y0 + size * (1 - t)
            s += "<line x1=\"\(px(x))\" y1=\"\(px(y0 + size))\" x2=\"\(px(x))\" y2=\"\(px(y0 + size + 4))\" stroke=\"#9aa3b0\"/>\n"
            s += "<text x=\"\(px(x))\" y=\"\(px(y0 + size + 17))\" text-anchor=\"middle\">\(f(t, 1))</text>\n"
            s += "<line x1=\"\(px(x0))\" y1=\"\(px(y))\" x2=\"\(px(x0 + size))\" y2=\"\(px(y))\" stroke=\"#eef0f4\"/>\n"
            s += "<text x=\"\(px(x0 - 6))\" y=\"\(px(y + 4))\" text-anchor=\"end\">\(f(yMin + (1 - yMin) * t, 2))</text>\n"
        }
        s += "<text x=\"\(px(x0 + size / 2))\" y=\"\(px(y0 + size + 36))\" text-anchor=\"middle\">\(escape(xName))</text>\n"
        s += "<text x=\"\(px(x0 - 42))\" y=\"\(px(y0 + size / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 \(px(x0 - 42)) \(px(y0 + size / 2)))\">\(escape(yName))</text>\n"
        return s
    }

    /// The reliability diagram: accuracy against mean confidence per bin.
    static func reliabilitySVG(_ e: Evaluation) -> String {
        let bins = e.reliability(bins: 15)
        let (x0, y0, size) = (plotX0, plotY0, plotSize)
        var s = plotStart(
            id: "reliability-title", title: "Reliability diagram",
            heading: "Reliability: accuracy per probability bin (ECE \(f(e.expectedCalibrationError())))", height: 490, yMin: 0,
            xName: "top-label probability", yName: "accuracy")
        let maxCount = Double(bins.map(\.count).max() ?? 1)
        for b in bins where b.count > 0 {
            let x = x0 + size * b.lower
            let w = size * (b.upper - b.lower)
            let hgt = size * b.accuracy
            let opacity = 0.35 + 0.65 * Double(b.count) / maxCount
            s += "<rect x=\"\(px(x + 1))\" y=\"\(px(y0 + size - hgt))\" width=\"\(px(w - 2))\" height=\"\(px(hgt))\" fill=\"#2563eb\" fill-opacity=\"\(f(opacity))\"><title>\(escape("\(f(b.lower, 2))–\(f(b.upper, 2)): \(b.count) messages, mean probability \(f(b.confidence)), accuracy \(f(b.accuracy))"))</title></rect>\n"
            s += "<circle cx=\"\(px(x0 + size * b.confidence))\" cy=\"\(px(y0 + size * (1 - b.accuracy)))\" r=\"3\" fill=\"#dc2626\"/>\n"
        }
        s += "<line x1=\"\(px(x0))\" y1=\"\(px(y0 + size))\" x2=\"\(px(x0 + size))\" y2=\"\(px(y0))\" stroke=\"#1d2430\" stroke-dasharray=\"5,4\"/>\n"
        s += "<text x=\"\(px(x0))\" y=\"\(px(y0 + size + 56))\" style=\"font-size:11px\">dashed: perfect calibration · dot: (mean probability, accuracy)</text>\n"
        s += "<text x=\"\(px(x0))\" y=\"\(px(y0 + size + 72))\" style=\"font-size:11px\">darker bar: more messages in the bin</text>\n"
        return s + "</svg>\n"
    }

    /// Coverage against accuracy as the threshold rises from 0 to 0.99.
    static func coverageSVG(_ e: Evaluation) -> String {
        let grid = (0...99).map { Float($0) / 100 }
        let points = e.coverage(at: grid).filter { $0.answered > 0 }
        // Thresholds that answer the same messages share one marker, labelled with their range.
        var marked: [(point: CoveragePoint, label: String)] = []
        for p in e.coverage() where p.answered > 0 {
            if let last = marked.last, last.point.answered == p.answered {
                let first = last.label.split(separator: "–").first.map(String.init) ?? last.label
                marked[marked.count - 1] = (last.point, first + "–" + f(Double(p.threshold), 2))
            } else {
                marked.append((p, f(Double(p.threshold), 2)))
            }
        }
        let lowest = min(points.map(\.accuracy).min() ?? 0, marked.map(\.point.accuracy).min() ?? 0)
        // At least 0.1 of range, so a perfect run still has distinct ticks.
        let yMin = min(0.9, max(0, (lowest * 10).rounded(.down) / 10))
        let (x0, y0, size) = (plotX0, plotY0, plotSize)
        func y(_ a: Double) -> Double { y0 + size * (1 - (a - yMin) / max(1e-9, 1 - yMin)) }
        var s = plotStart(
            id: "coverage-title", title: "Coverage–accuracy curve", heading: "Coverage vs accuracy as the threshold rises (labels: thresholds)",
            height: 480, yMin: yMin, xName: "share of messages answered (coverage)", yName: "accuracy on answered")
        let line = points.map { "\(px(x0 + size * $0.coverage)),\(px(y($0.accuracy)))" }.joined(separator: " ")
        s += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\"/>\n"
        // A marker's label is drawn only where it does not overlap a label already drawn (every
        // marker keeps its tooltip).
        var drawn: [(x: Double, y: Double, width: Double)] = []
        for (p, label) in marked {
            let cx = x0 + size * p.coverage
            let cy = y(p.accuracy)
            s += "<circle cx=\"\(px(cx))\" cy=\"\(px(cy))\" r=\"4\" fill=\"#dc2626\"><title>\(escape("threshold \(label): coverage \(f(p.coverage)), accuracy \(f(p.accuracy))"))</title></circle>\n"
            let width = 6.0 * Double(label.count)
            for dy in [-8.0, 16.0] {
                let right = cx - 4
                let box = (x: right - width, y: cy + dy, width: width)
                let clash = drawn.contains { d in box.x < d.x + d.width + 2 && d.x < box.x + box.width + 2 && abs(d.y - box.y) < 12 }
                if !clash && box.x > x0 - 40 && box.y - 10 >= y0 {
                    drawn.append(box)
                    s += "<text x=\"\(px(right))\" y=\"\(px(cy + dy))\" text-anchor=\"end\" style=\"font-size:10px\">\(escape(label))</text>\n"
                    break
                }
            }
        }
        return s + "</svg>\n"
    }

    static func coverageTable(_ e: Evaluation) -> String {
        var s = "<table>\n<tr><th>threshold</th><th>answered</th><th>coverage</th><th>accuracy on answered</th></tr>\n"
        for c in e.coverage() {
            s += "<tr><td class=\"n\">\(f(Double(c.threshold), 2))</td><td class=\"n\">\(c.answered)</td><td class=\"n\">\(f(c.coverage * 100, 1))%</td><td class=\"n\">\(f(c.accuracy))</td></tr>\n"
        }
        return s + "</table>\n"
    }

    static func mistakesTable(_ e: Evaluation) -> String {
        if e.mistakes.isEmpty { return "<p class=\"note\">No mistakes.</p>\n" }
        var s = "<p class=\"note\">The wrong answers given with the highest probability, with the features that pushed toward the wrong label most (weight = feature value × how much more its weight favours that label than the average label).</p>\n"
        s += "<table>\n<tr><th>message</th><th>true</th><th>predicted</th><th>probability</th><th>deciding features</th></tr>\n"
        for m in e.mistakes {
            let features = m.explanation.map { "<code>\(escape($0.feature)) \(f(Double($0.weight)))</code>" }.joined(separator: " ")
            s += "<tr><td class=\"msg\">\(escape(m.text))</td><td>\(escape(m.truth))</td><td>\(escape(m.predicted))</td><td class=\"n\">\(f(Double(m.probability)))</td><td>\(features)</td></tr>\n"
        }
        return s + "</table>\n"
    }
}
