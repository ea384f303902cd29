/// Replaces `${NAME}` and `${NAME:-default}` references in a configuration string with
/// environment variables.
///
/// - `${NAME}` becomes the variable's value, or the empty string when it is unset.
/// - `${NAME:-default}` becomes `default` when the variable is unset or empty; the default
///   may itself contain references.
/// - `$${` is an escape for a literal `${`.
///
/// A `${` that is not a well-formed reference (unclosed, or a name other than
/// `[A-Za-z_][A-Za-z0-9_]*`) is kept as written and reported through `isValid`.
enum EnvironmentInterpolation {
    /// The outcome of interpolating one string.
    struct Result: Equatable {
        /// The string with every reference replaced.
        var value: String
        /// Names of the variables referenced, in order (used to explain an empty result
        /// without echoing the value).
        var variables: [String]
        /// False when some `${` was not a well-formed reference.
        var isValid: Bool
    }

    /// Interpolates `text` against `environment`.
    static func interpolate(_ text: String, environment: [String: String]) -> Result {
        guard text.contains("${") else {
            return Result(value: text, variables: [], isValid: true)
        }
        var scanner = Scanner(characters: Array(text), environment: environment)
        return scanner.run()
    }

    private struct Scanner {
        let characters: [Character]
        let environment: [String: String]
        var output = ""
        var variables: [String] = []
        var isValid = true

        init(characters: [Character], environment: [String: String]) {
            self.characters = characters
            self.environment = environment
        }

        mutating func run() -> Result {
            var index = 0
            while index < characters.count {
                if startsReference(at: index + 1), characters[index] == "$" {
                    output += "${"  // `$${` escape
                    index += 3
                } else if startsReference(at: index) {
                    index = substitute(from: index)
                } else {
                    output.append(characters[index])
                    index += 1
                }
            }
            return Result(value: output, variables: variables, isValid: isValid)
        }

        private func startsReference(at index: Int) -> Bool {
            index + 1 < characters.count && characters[index] == "$" && characters[index + 1] == "{"
        }

        /// Replaces the reference starting at `start`; returns the index just past it.
        private mutating func substitute(from start: Int) -> Int {
            guard let close = closingBrace(after: start) else {
                isValid = false
                output += String(characters[start...])
                return characters.count
            }
            let inner = String(characters[(start + 2)..<close])
            let name: Substring
            let fallback: Substring?
            if let separator = inner.firstRange(of: ":-") {
                name = inner[..<separator.lowerBound]
                fallback = inner[separator.upperBound...]
            } else {
                name = inner[...]
                fallback = nil
            }
            guard Self.isValidName(name) else {
                isValid = false
                output += "${\(inner)}"
                return close + 1
            }
            variables.append(String(name))
            let value = environment[String(name)] ?? ""
            if let fallback, value.isEmpty {
                let nested = EnvironmentInterpolation.interpolate(String(fallback), environment: environment)
                output += nested.value
                variables += nested.variables
                isValid = isValid && nested.isValid
            } else {
                output += value
            }
            return close + 1
        }

        /// The index of the `}` matching the `${` at `start`, counting nested references.
        private func closingBrace(after start: Int) -> Int? {
            var depth = 1
            var index = start + 2
            while index < characters.count {
                if startsReference(at: index) {
                    depth += 1
                    index += 2
                    continue
                }
                if characters[index] == "}" {
                    depth -= 1
                    if depth == 0 { return index }
                }
                index += 1
            }
            return nil
        }

        private static func isValidName(_ name: Substring) -> Bool {
            guard let first = name.unicodeScalars.first, first == "_" || isASCIILetter(first) else {
                return false
            }
            return name.unicodeScalars.allSatisfy { $0 == "_" || isASCIILetter($0) || ("0"..."9").contains($0) }
        }

        private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }
    }
}
