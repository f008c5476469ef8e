import CCrypto

/// HMAC-SHA256 (RFC 2104), from OpenSSL's libcrypto: the signature of a webhook's body.
public enum HMACSHA256 {
    /// The signature of `message` under `key`, as lowercase hex.
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // libcrypto takes no null pointer for empty input: one spare byte, never read.
        let key = key.isEmpty ? [0] : key, keyCount = Int32(key.count == 1 && key[0] == 0 ? 0 : key.count)
        let message = message + [0], messageCount = message.count - 1
        let result = key.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { message in
                digest.withUnsafeMutableBufferPointer { out in
                    HMAC(EVP_sha256(), key.baseAddress, keyCount, message.baseAddress, messageCount, out.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == 32, "libcrypto's HMAC-SHA256 failed")
        return digest.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
