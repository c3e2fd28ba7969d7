import Foundation
import XCTest

/// Calibration on small data: below 200 held-out messages no temperature is fitted (train warns
/// and keeps temperature 1; --calibrate is refused with exit 64).
extension CLITests {
    /// 30 messages: 10 each of precio, reclamo and saludo.
    static var thirtyMessages: String {
        var text = "text,label\n"
        let precio = ["cuánto cuesta el queque", "precio del kilo de carne", "a cómo está la talla M", "cuánto sale el envío",
                      "qué precio tiene la docena", "me regala el precio", "cuánto vale el corte", "tiene descuento",
                      "a cuánto el combo", "precio por mayor"]
        let reclamo = ["el pedido llegó dañado", "me cobraron de más", "nunca llegó mi paquete", "vino roto el vaso",
                       "quiero devolver la camisa", "la talla vino mal", "pésimo servicio", "llegó tarde otra vez",
                       "no sirve el cargador", "exijo mi reembolso"]
        let saludo = ["hola buenas", "buenos días", "upe buenas tardes", "hola qué tal", "buenas noches", "hola hola",
                      "saludos", "buen día", "qué tal amigos", "hola 👋"]
        for (texts, label) in [(precio, "precio"), (reclamo, "reclamo"), (saludo, "saludo")] {
            for t in texts { text += "\(t),\(label)\n" }
        }
        return text
    }

    func testAThirtyMessageModelKeepsTemperatureOneAndRefusesCalibration() throws {
        let data = try file("thirty.csv", Self.thirtyMessages)
        let model = dir.appendingPathComponent("thirty.criba").path
        let t = try run(["train", data, "-o", model])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stderr.contains("warning: 30 messages are too few to fit a softmax temperature"), t.stderr)
        let info = try run(["info", "--json", model])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["temperature"] as? Double, 1)
        XCTAssertEqual((json["metadata"] as? [String: String])?["info.temperature_fit"], "too_few_messages")
        XCTAssertTrue(try run(["info", model]).stdout.contains("temperature not fitted (fewer than 200 messages)"))
        // A message like none it saw: the raw softmax of three SVM margins, not a confident answer.
        let c = try run(["classify", "--model", model], stdin: "quiero comprar un carro\n")
        let probability = try XCTUnwrap(Double(c.stdout.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        XCTAssertLessThan(probability, 0.9, c.stdout)

        let calibrated = dir.appendingPathComponent("calibrated.criba").path
        try assertFails(
            ["train", data, "-o", calibrated, "--calibrate"], status: 64,
            mentions: ["30 messages are too few to calibrate", "at least 200", "--calibrate"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: calibrated))
        try assertFails(["train", data, "-o", calibrated, "--calibrate", "--calibration", "bias", "--algorithm", "nblr"], status: 64, mentions: ["too few to calibrate"])
    }
}
