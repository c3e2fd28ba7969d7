// criba-autoresponder: reads customer messages on standard input, one per line, and prints a
// reply template for each (spam is ignored). An example of embedding Criba.
//
//   printf 'cuánto cuesta el queque?\n' | criba-autoresponder [--model FILE] [--threshold P]
import Criba
import Foundation

/// Reply templates per label of the default model.
let replies: [String: String] = [
    "spam": "(ignored)",
    "saludo": "¡Hola! Gracias por escribirnos. ¿En qué le podemos ayudar?",
    "precio": "¡Hola! Con gusto le pasamos el precio. ¿De cuál producto o servicio le interesa?",
    "disponibilidad": "Vamos a revisar si lo tenemos disponible y le confirmamos en un momento.",
    "horario": "Atendemos de lunes a sábado de 8:00 a 18:00 y los domingos de 9:00 a 13:00.",
    "ubicacion": "Estamos en la dirección de nuestro perfil; le enviamos la ubicación en el mapa.",
    "envio": "Hacemos envíos a todo el país. ¿A qué dirección sería el envío?",
    "pago": "Aceptamos efectivo, tarjeta, transferencia y SINPE Móvil.",
    "pedido": "¡Con gusto! Anotamos su pedido. ¿Nos confirma nombre, cantidad y hora de entrega?",
    "reclamo": "Lamentamos mucho lo sucedido. Una persona del equipo le contactará hoy para resolverlo.",
    "agradecimiento": "¡Con mucho gusto! Estamos para servirle.",
    "otro": "Gracias por su mensaje; una persona del equipo le responderá pronto.",
]
let fallback = "Gracias por su mensaje; una persona del equipo le responderá pronto."

/// Where the default model is found: `$CRIBA_MODEL`, `default.criba` next to the executable
/// or in `../share/criba/`, then the package's `Models/default.criba`.
func defaultModelPath() -> String? {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["CRIBA_MODEL"], !env.isEmpty { candidates.append(env) }
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    candidates.append(exe.appendingPathComponent("default.criba").path)
    candidates.append(exe.appendingPathComponent("../share/criba/default.criba").standardized.path)
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent("Models/default.criba").path)
    return candidates.first { FileManager.default.fileExists(atPath: $0) }
}

func fail(_ message: String, _ code: Int32) -> Never {
    FileHandle.standardError.write(Data("criba-autoresponder: \(message)\n".utf8))
    exit(code)
}

var modelPath: String?
var threshold: Float = 0.5
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--model", "-m":
        guard let v = arguments.popFirst() else { fail("--model needs a file", 64) }
        modelPath = v
    case "--threshold":
        guard let v = arguments.popFirst().flatMap(Float.init), (0...1).contains(v) else {
            fail("--threshold needs a number between 0 and 1", 64)
        }
        threshold = v
    case "-h", "--help":
        print("usage: criba-autoresponder [--model FILE] [--threshold P] < messages.txt")
        print("Prints one reply template per input line; below probability P (default 0.5) a generic reply.")
        exit(0)
    default:
        fail("unknown argument `\(a)` (see --help)", 64)
    }
}
guard let path = modelPath ?? defaultModelPath() else {
    fail("no default model found; pass --model FILE or set CRIBA_MODEL", 66)
}
let classifier: Classifier
do {
    classifier = try Classifier(contentsOf: URL(fileURLWithPath: path), policy: UnsurePolicy(threshold: threshold))
} catch let e as IOError {
    fail("\(e)", e.kind == .failed ? 74 : 66)
} catch {
    fail("\(error)", 65)
}
// One answer per line, written at once (unbuffered) so that the tool works in a pipeline.
let output = FileHandle.standardOutput
while let line = readLine() {
    if line.trimmingCharacters(in: .whitespaces).isEmpty {
        output.write(Data("\n".utf8))
        continue
    }
    let prediction = classifier.classify(line)
    let reply = prediction.isUnsure ? fallback : (replies[prediction.label] ?? fallback)
    output.write(Data("\(prediction.topLabel)\t\(reply)\n".utf8))
}
