import Foundation
import GoogleCloud
import Testing
import _CryptoExtras

@Suite("Credentials and JWT signing", .timeLimit(.minutes(15)))
struct AuthTests {
  /// One freshly generated key for the whole suite: RSA key generation is slow in debug builds.
  static let privateKey: _RSA.Signing.PrivateKey = {
    do {
      return try _RSA.Signing.PrivateKey(keySize: .bits2048)
    } catch {
      preconditionFailure("RSA key generation failed: \(error)")
    }
  }()

  static func keyFile(_ overrides: KeyValuePairs<String, JSONValue> = [:], removing: Set<String> = []) -> [UInt8] {
    var object = JSONObject([
      "type": .string("service_account"),
      "project_id": .string("demo-project"),
      "private_key_id": .string("kid-123"),
      "private_key": .string(privateKey.pkcs8PEMRepresentation),
      "client_email": .string("exporter@demo-project.iam.gserviceaccount.com"),
      "client_id": .string("1234567890"),
      "token_uri": .string("https://oauth2.googleapis.com/token"),
    ])
    for (key, value) in overrides { object.set(key, value) }
    let kept = JSONObject(object.members.filter { !removing.contains($0.key) })
    return JSONValue.object(kept).serializedBytes()
  }

  static func decodeSegment(_ segment: Substring) throws -> JSONValue {
    guard let bytes = Base64.decode(segment) else { throw TestFailure("segment is not base64url") }
    return try JSONValue(parsing: bytes)
  }

  @Test("a service-account key file is read, its PKCS#8 key loaded and its fields kept")
  func readsServiceAccountKey() throws {
    let key = try ServiceAccountKey(json: Self.keyFile(), file: "/secrets/key.json")
    #expect(key.projectID == "demo-project")
    #expect(key.privateKeyID == "kid-123")
    #expect(key.clientEmail == "exporter@demo-project.iam.gserviceaccount.com")
    #expect(key.tokenURI == "https://oauth2.googleapis.com/token")
    #expect(key.universeDomain == "googleapis.com")
  }

  @Test("a missing token_uri defaults to Google's token endpoint, and a PKCS#1 key loads too")
  func defaultsAndPKCS1() throws {
    let key = try ServiceAccountKey(
      json: Self.keyFile(["private_key": .string(Self.privateKey.pemRepresentation)], removing: ["token_uri"]), file: "k.json")
    #expect(key.tokenURI == GoogleOAuth.defaultTokenURI)
  }

  @Test("a key pasted with literal \\n sequences instead of line breaks still loads")
  func literalBackslashN() throws {
    let flattened = Self.privateKey.pkcs8PEMRepresentation.replacing("\n", with: "\\n")
    _ = try ServiceAccountKey(json: Self.keyFile(["private_key": .string(flattened)]), file: "k.json")
  }

  @Test(
    "errors name the file and the missing or invalid field",
    arguments: [
      (["client_email"], [String: JSONValue](), "credentials file /secrets/key.json: field \"client_email\" is missing"),
      (["private_key"], [:], "credentials file /secrets/key.json: field \"private_key\" is missing"),
      ([], ["private_key": .string("not a key")], "credentials file /secrets/key.json: field \"private_key\" is not a PEM private key"),
      (
        [], ["private_key": .string("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")],
        "credentials file /secrets/key.json: field \"private_key\" cannot be loaded as an RSA private key of at least 2048 bits"
      ),
      (
        [], ["type": .string("authorized_user")],
        "credentials file /secrets/key.json: field \"type\" is \"authorized_user\", expected \"service_account\""
      ),
      ([], ["client_email": .number("5")], "credentials file /secrets/key.json: field \"client_email\" must be a string, found a number"),
      ([], ["client_email": .string("  ")], "credentials file /secrets/key.json: field \"client_email\" is empty"),
      (
        [], ["token_uri": .string("ftp://x")],
        "credentials file /secrets/key.json: field \"token_uri\" must be an http(s) URL, found \"ftp://x\""
      ),
    ])
  func errorsNameFileAndField(removing: [String], overrides: [String: JSONValue], expected: String) {
    var json = JSONObject()
    if case .object(let object) = try? JSONValue(parsing: Self.keyFile(removing: Set(removing))) { json = object }
    for (key, value) in overrides { json.set(key, value) }
    #expect {
      _ = try ServiceAccountKey(json: JSONValue.object(json).serializedBytes(), file: "/secrets/key.json")
    } throws: { error in
      (error as? CredentialsFileError)?.description == expected
    }
  }

  @Test("a file that is not JSON is reported without echoing its contents")
  func notJSON() {
    #expect {
      _ = try ServiceAccountKey(json: Array("-----BEGIN PRIVATE KEY----- secret".utf8), file: "k.json")
    } throws: { error in
      let text = (error as? CredentialsFileError)?.description ?? ""
      return text.hasPrefix("credentials file k.json: is not valid JSON") && !text.contains("secret")
    }
  }

  @Test("the signed assertion has the RS256 header with kid and the claims the token endpoint needs")
  func assertionHeaderAndClaims() throws {
    let signer = JWTSigner(key: try ServiceAccountKey(json: Self.keyFile(), file: "k.json"))
    let issued = Date(timeIntervalSince1970: 1_750_000_000.9)
    let jwt = try signer.tokenRequestAssertion(scopes: [GoogleOAuth.datastoreScope, GoogleOAuth.storageReadOnlyScope], issuedAt: issued)
    let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
    #expect(parts.count == 3)
    #expect(!jwt.contains("=") && !jwt.contains("+") && !jwt.contains("/"))
    let header = try Self.decodeSegment(parts[0])
    #expect(header == .object(JSONObject(["alg": .string("RS256"), "typ": .string("JWT"), "kid": .string("kid-123")])))
    let claims = try Self.decodeSegment(parts[1])
    #expect(claims["iss"] == .string("exporter@demo-project.iam.gserviceaccount.com"))
    #expect(claims["scope"] == .string("https://www.googleapis.com/auth/datastore https://www.googleapis.com/auth/devstorage.read_only"))
    #expect(claims["aud"] == .string("https://oauth2.googleapis.com/token"))
    #expect(claims["iat"] == .number("1750000000"))
    #expect(claims["exp"] == .number("1750003600"))
    #expect(claims["sub"] == nil)
  }

  @Test("the signature verifies with the key's public key as PKCS#1 v1.5 SHA-256, not as PSS")
  func signatureVerifies() throws {
    let signer = JWTSigner(key: try ServiceAccountKey(json: Self.keyFile(), file: "k.json"))
    let jwt = try signer.tokenRequestAssertion(scopes: [GoogleOAuth.cloudPlatformScope], issuedAt: Date())
    let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
    let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
    guard let signatureBytes = Base64.decode(parts[2]) else { throw TestFailure("signature is not base64url") }
    #expect(signatureBytes.count == 256)
    let signature = _RSA.Signing.RSASignature(rawRepresentation: signatureBytes)
    let publicKey = Self.privateKey.publicKey
    #expect(publicKey.isValidSignature(signature, for: signingInput, padding: .insecurePKCS1v1_5))
    #expect(!publicKey.isValidSignature(signature, for: signingInput, padding: .PSS))
    #expect(!publicKey.isValidSignature(signature, for: signingInput + [0x20], padding: .insecurePKCS1v1_5))
  }

  @Test("a lifetime over one hour is clamped to one hour, and a subject is added only when asked")
  func lifetimeClampAndSubject() throws {
    let signer = JWTSigner(key: try ServiceAccountKey(json: Self.keyFile(), file: "k.json"))
    let jwt = try signer.tokenRequestAssertion(
      scopes: ["s"], issuedAt: Date(timeIntervalSince1970: 100), lifetime: .seconds(7200), subject: "user@example.com")
    let claims = try Self.decodeSegment(jwt.split(separator: ".")[1])
    #expect(claims["exp"] == .number("3700"))
    #expect(claims["sub"] == .string("user@example.com"))
    #expect(throws: AuthenticationError.self) { try signer.tokenRequestAssertion(scopes: [], issuedAt: Date()) }
  }

  @Test("a key without private_key_id signs without kid")
  func noKid() throws {
    let signer = JWTSigner(key: try ServiceAccountKey(json: Self.keyFile(removing: ["private_key_id"]), file: "k.json"))
    let jwt = try signer.tokenRequestAssertion(scopes: ["s"], issuedAt: Date())
    #expect(try Self.decodeSegment(jwt.split(separator: ".")[0])["kid"] == nil)
  }

  @Test("the service-account token request is the form-encoded JWT-bearer grant")
  func serviceAccountRequestBody() throws {
    let signer = JWTSigner(key: try ServiceAccountKey(json: Self.keyFile(), file: "k.json"))
    let request = try OAuthTokenRequest.serviceAccount(signer, scopes: ["s"], now: Date())
    #expect(request.url == "https://oauth2.googleapis.com/token")
    #expect(request.body.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"))
    #expect(request.body.split(separator: "&").count == 2)
  }

  @Test("an authorized_user file is read and refreshes with a form-encoded refresh_token grant")
  func authorizedUser() throws {
    let json =
      #"{"type": "authorized_user", "client_id": "id.apps.googleusercontent.com", "client_secret": "s3cr+t/=", "refresh_token": "1//r&t", "quota_project_id": "billing-proj"}"#
    let credentials = try AuthorizedUserCredentials(json: Array(json.utf8), file: "adc.json")
    #expect(credentials.quotaProjectID == "billing-proj")
    #expect(credentials.tokenURI == GoogleOAuth.defaultTokenURI)
    let request = OAuthTokenRequest.refresh(credentials, scopes: ["a", "b"])
    #expect(
      request.body
        == "grant_type=refresh_token&client_id=id.apps.googleusercontent.com&client_secret=s3cr%2Bt%2F%3D&refresh_token=1%2F%2Fr%26t&scope=a%20b"
    )
    #expect(OAuthTokenRequest.refresh(credentials).body.hasSuffix("refresh_token=1%2F%2Fr%26t"))
  }

  @Test("an authorized_user file without its refresh token names the field")
  func authorizedUserMissingField() {
    #expect {
      _ = try AuthorizedUserCredentials(
        json: Array(#"{"type": "authorized_user", "client_id": "i", "client_secret": "s"}"#.utf8), file: "adc.json")
    } throws: { error in
      (error as? CredentialsFileError)?.description == "credentials file adc.json: field \"refresh_token\" is missing"
    }
  }

  @Test("a credentials file is recognised by its type, and other types are refused by name")
  func credentialsFileType() throws {
    guard case .serviceAccount = try GoogleCredentialsFile(json: Self.keyFile(), file: "k.json") else {
      throw TestFailure("not a service account")
    }
    #expect {
      _ = try GoogleCredentialsFile(json: Array(#"{"type": "external_account"}"#.utf8), file: "wif.json")
    } throws: { error in
      (error as? CredentialsFileError)?.field == "type"
    }
  }

  @Test("descriptions and dumps never contain secrets")
  func secretsStayHidden() throws {
    let key = try ServiceAccountKey(json: Self.keyFile(), file: "k.json")
    var dumped = ""
    dump(key, to: &dumped)
    for text in [String(describing: key), String(reflecting: key), dumped] {
      #expect(!text.contains("PRIVATE KEY"))
    }
    let user = AuthorizedUserCredentials(clientID: "id", clientSecret: "the-secret", refreshToken: "the-refresh")
    var dumpedUser = ""
    dump(user, to: &dumpedUser)
    for text in [String(describing: user), String(reflecting: user), dumpedUser] {
      #expect(!text.contains("the-secret") && !text.contains("the-refresh"))
    }
    let token = OAuthTokenResponse(accessToken: "ya29.secret", expiresIn: 3599)
    var dumpedToken = ""
    dump(token, to: &dumpedToken)
    #expect(!String(describing: token).contains("ya29") && !dumpedToken.contains("ya29"))
  }

  @Test("a token response is read, and its refresh date comes 3 min 45 s before expiry")
  func tokenResponse() throws {
    let response = try OAuthTokenResponse(json: Array(#"{"access_token": "ya29.a", "expires_in": 3599, "token_type": "Bearer"}"#.utf8))
    #expect(response.accessToken == "ya29.a")
    #expect(response.expiresIn == 3599)
    let received = Date(timeIntervalSince1970: 1000)
    #expect(response.refreshDate(receivedAt: received) == Date(timeIntervalSince1970: 1000 + 3599 - 225))
    #expect(throws: AuthenticationError.self) { try OAuthTokenResponse(json: Array(#"{"expires_in": 3599}"#.utf8)) }
    #expect(throws: AuthenticationError.self) { try OAuthTokenResponse(json: Array(#"{"access_token": "a"}"#.utf8)) }
  }
}
