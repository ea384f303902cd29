import Foundation

/// A small reader of the Prometheus text exposition format for tests: metric families
/// with their `# TYPE` and every sample with its labels.
struct PrometheusText {
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// Family name -> type (`counter`, `gauge`, `histogram`, ...).
    private(set) var types: [String: String] = [:]
    private(set) var samples: [Sample] = []
    /// Lines that did not parse.
    private(set) var malformed: [String] = []

    init(_ text: String) {
        for raw in text.split(separator: "\n") {
            let line = String(raw)
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) } else { malformed.append(line) }
                continue
            }
            if line.hasPrefix("#") || line.isEmpty { continue }
            if let sample = Self.sample(line) { samples.append(sample) } else { malformed.append(line) }
        }
    }

    /// The sum of the values of samples named `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
            .reduce(0) { $0 + $1.value }
    }

    /// Whether any sample is named `name` and carries `labels`.
    func has(_ name: String, _ labels: [String: String] = [:]) -> Bool {
        samples.contains { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    static func sample(_ line: String) -> Sample? {
        var labels: [String: String] = [:]
        let name: String
        let rest: Substring
        if let brace = line.firstIndex(of: "{") {
            name = String(line[..<brace])
            var index = line.index(after: brace)
            while index < line.endIndex, line[index] != "}" {
                guard let equals = line[index...].firstIndex(of: "=") else { return nil }
                let key = String(line[index..<equals]).trimmingCharacters(in: CharacterSet(charactersIn: ", "))
                var cursor = line.index(equals, offsetBy: 2)  // skip ="
                var value = ""
                while cursor < line.endIndex, line[cursor] != "\"" {
                    if line[cursor] == "\\" {
                        cursor = line.index(after: cursor)
                        guard cursor < line.endIndex else { return nil }
                        value.append(line[cursor] == "n" ? "\n" : line[cursor])
                    } else {
                        value.append(line[cursor])
                    }
                    cursor = line.index(after: cursor)
                }
                guard cursor < line.endIndex else { return nil }
                labels[key] = value
                index = line.index(after: cursor)
                if index < line.endIndex, line[index] == "," { index = line.index(after: index) }
            }
            guard index < line.endIndex else { return nil }
            rest = line[line.index(after: index)...]
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = String(line[..<space])
            rest = line[space...]
        }
        let text = rest.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
        let value: Double?
        switch text.lowercased() {
        case "nan": value = .nan
        case "+inf", "inf": value = .infinity
        case "-inf": value = -.infinity
        default: value = Double(text)
        }
        guard let value else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}
