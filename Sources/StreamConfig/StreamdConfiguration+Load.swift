#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StreamdConfiguration {
    /// Reads and validates the file at `path`. Throws every problem found, each naming the
    /// file, key path and line; an unreadable file is one problem saying why.
    public static func load(path: String) throws(ConfigError) -> StreamdConfiguration {
        let text = try ConfigFileReader.contents(of: path)
        return try ConfigParser.parse(text, file: path, sourceFile: path)
    }

    /// Validates TOML text; `file` names it in errors and becomes ``sourceFile``.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> StreamdConfiguration {
        try ConfigParser.parse(text, file: file, sourceFile: file)
    }

    /// What `streamd run` uses: the file at `path` when given; else ``defaultPath`` if it
    /// exists; else ``embeddedDefault``.
    public static func loadOrDefault(path: String?) throws(ConfigError) -> StreamdConfiguration {
        if let path { return try load(path: path) }
        guard access(defaultPath, F_OK) == 0 else { return embeddedDefault }
        return try load(path: defaultPath)
    }
}
