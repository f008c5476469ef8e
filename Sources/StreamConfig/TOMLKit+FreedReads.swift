import CTOML
import Glibc
import TOMLKit

// TOMLKit 0.6.0 reads a value by copying it into memory from `malloc` (`nodeAsInt`,
// `nodeAsBool`, `nodeAsDouble`) or `strdup` (`nodeAsString`, every key of `tableGetKeys` and
// the array holding them), and never frees the copy: every `string`, `int`, `bool`, `double`
// and `keys` leaks at least 32 bytes. Reading the soak's 200-station file left about 150 KB
// behind at each reload (9 MB an hour at a reload a minute; docs/reliability.md, "Soak").
//
// These reads call the same C functions of TOMLKit's own C layer (CTOML) and free the copy.
// They need the toml++ node a TOMLKit value wraps, which TOMLKit keeps internal; it is found
// by its stored property's name (`tomlValuePointer`, `tablePointer`). Should a later TOMLKit
// rename it, each read falls back to TOMLKit's own (leaking but correct) one, and
// `TOMLFreedReadsTests` fails on the leak.

extension TOMLValueConvertible {
    /// The string, if the value is one, read without leaking TOMLKit's copy.
    var freedString: String? {
        guard type == .string else { return nil }
        guard let node = TOMLNode.of(self) else { return string }
        guard let copy = nodeAsString(node) else { return nil }
        defer { free(UnsafeMutableRawPointer(mutating: copy)) }
        return String(cString: copy)
    }

    /// The integer, if the value is one (and fits an `Int`), read without leaking.
    var freedInt: Int? {
        guard type == .int else { return nil }
        guard let node = TOMLNode.of(self) else { return int }
        return TOMLNode.take(nodeAsInt(node)).flatMap { Int(exactly: $0) }
    }

    /// The boolean, if the value is one, read without leaking.
    var freedBool: Bool? {
        guard type == .bool else { return nil }
        guard let node = TOMLNode.of(self) else { return bool }
        return TOMLNode.take(nodeAsBool(node))
    }

    /// The floating-point number, if the value is one, read without leaking.
    var freedDouble: Double? {
        guard type == .double else { return nil }
        guard let node = TOMLNode.of(self) else { return double }
        return TOMLNode.take(nodeAsDouble(node))
    }
}

extension TOMLTable {
    /// The table's keys in TOMLKit's order, read without leaking the C strings.
    var freedKeys: [String] {
        guard let table = TOMLNode.pointer(in: self, named: "tablePointer") else { return keys }
        let size = count
        guard size > 0 else { return [] }
        let copies = tableGetKeys(table)
        defer {
            for index in 0..<size { free(UnsafeMutableRawPointer(mutating: copies[index])) }
            free(UnsafeMutableRawPointer(mutating: copies))
        }
        return (0..<size).map { String(cString: copies[$0]) }
    }
}

/// Finds the toml++ node a TOMLKit value wraps and frees TOMLKit's copies of leaf values.
enum TOMLNode {
    /// The `toml::node` behind `value`, or nil when TOMLKit no longer keeps it under that name.
    static func of(_ value: TOMLValueConvertible) -> OpaquePointer? {
        pointer(in: value.tomlValue, named: "tomlValuePointer")
    }

    /// The stored `OpaquePointer` property `name` of `subject`.
    static func pointer(in subject: Any, named name: String) -> OpaquePointer? {
        Mirror(reflecting: subject).children.first { $0.label == name }?.value as? OpaquePointer
    }

    /// The value `copy` points to, after freeing it.
    static func take<T>(_ copy: UnsafePointer<T>?) -> T? {
        guard let copy else { return nil }
        defer { free(UnsafeMutableRawPointer(mutating: copy)) }
        return copy.pointee
    }
}
