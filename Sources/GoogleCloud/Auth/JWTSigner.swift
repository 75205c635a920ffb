import _CryptoExtras

public import struct Foundation.Date

/// Builds and signs RS256 JWTs with a service account's key, for the OAuth JWT-bearer flow (RFC 7523).
public struct JWTSigner: Sendable {
  public let key: ServiceAccountKey

  public init(key: ServiceAccountKey) {
    self.key = key
  }

  /// The `assertion` to exchange at the key's token URI for an access token with `scopes`.
  ///
  /// Claims: `iss` = the client email, `scope` space-separated, `aud` = the token URI, `iat` = `issuedAt` in whole
  /// seconds, `exp` = `iat` + `lifetime` (Google refuses more than one hour, so longer lifetimes are clamped).
  /// `subject` is only for domain-wide delegation.
  public func tokenRequestAssertion(
    scopes: [String], issuedAt: Date, lifetime: Duration = GoogleOAuth.maximumAssertionLifetime, subject: String? = nil
  ) throws(AuthenticationError) -> String {
    guard !scopes.isEmpty else { throw AuthenticationError("a token request needs at least one scope") }
    let issued = Int64(issuedAt.timeIntervalSince1970.rounded(.down))
    let seconds = min(max(lifetime.components.seconds, 1), GoogleOAuth.maximumAssertionLifetime.components.seconds)
    var claims = JSONObject([
      "iss": .string(key.clientEmail),
      "scope": .string(scopes.joined(separator: " ")),
      "aud": .string(key.tokenURI),
      "iat": .integer(issued),
      "exp": .integer(issued + seconds),
    ])
    if let subject { claims.set("sub", .string(subject)) }
    return try sign(claims: claims)
  }

  /// Signs `claims` under the header `{"alg":"RS256","typ":"JWT","kid":…}`; returns the compact serialisation.
  public func sign(claims: JSONObject) throws(AuthenticationError) -> String {
    var header = JSONObject(["alg": .string("RS256"), "typ": .string("JWT")])
    if let kid = key.privateKeyID { header.set("kid", .string(kid)) }
    let signingInput =
      Base64.encodeURL(JSONValue.object(header).serializedBytes()) + "."
      + Base64.encodeURL(JSONValue.object(claims).serializedBytes())
    do {
      // PKCS#1 v1.5 is what RS256 means; the library's default padding would be PSS, which Google rejects.
      let signature = try key.signingKey.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5)
      return signingInput + "." + Base64.encodeURL(signature.rawRepresentation)
    } catch {
      throw AuthenticationError("signing the JWT failed: \(error)")
    }
  }
}
