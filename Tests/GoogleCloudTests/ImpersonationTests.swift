import Foundation
import GoogleCloud
import Testing

/// Impersonation's pieces on their own: the credentials file gcloud writes, the request IAM Credentials takes, its
/// answer, and the universe check.
@Suite("Service account impersonation, offline", .timeLimit(.minutes(15)))
struct ImpersonationTests {
  static let userSource =
    #"{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r","quota_project_id":"login-quota"}"#
  static let url =
    "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/exporter@p.iam.gserviceaccount.com:generateAccessToken"

  static func file(_ fields: String) -> [UInt8] {
    Array(#"{"type":"impersonated_service_account",\#(fields)}"#.utf8)
  }

  static func fileError(_ fields: String) -> CredentialsFileError? {
    do {
      _ = try GoogleCredentialsFile(json: Self.file(fields), file: "adc.json")
      return nil
    } catch {
      return error
    }
  }

  @Test("an impersonated_service_account file gives its source, its target from the URL, its delegates as emails, its quota project")
  func readsTheFile() throws {
    let json = Self.file(
      #""service_account_impersonation_url":"\#(Self.url)","source_credentials":\#(Self.userSource),"#
        + #""delegates":["projects/-/serviceAccounts/hop@p.iam.gserviceaccount.com"],"quota_project_id":"target-quota""#)
    guard case .impersonatedServiceAccount(let credentials) = try GoogleCredentialsFile(json: json, file: "adc.json") else {
      throw TestFailure("not read as impersonated credentials")
    }
    #expect(credentials.impersonation.target == "exporter@p.iam.gserviceaccount.com")
    #expect(credentials.impersonation.delegates == ["hop@p.iam.gserviceaccount.com"])
    #expect(credentials.impersonation.url == Self.url)
    #expect(credentials.quotaProjectID == "target-quota")
    #expect(credentials.universeDomain == UniverseDomain.googleapis)
    guard case .authorizedUser(let user) = credentials.source else { throw TestFailure("the source is not user credentials") }
    #expect(user.quotaProjectID == "login-quota")
    #expect(
      credentials.description
        == "service account exporter@p.iam.gserviceaccount.com impersonated by user credentials of client c (quota project login-quota)")
    var dumped = ""
    dump(credentials, to: &dumped)
    #expect(!dumped.contains("\"s\"") && !dumped.contains("refresh"), "\(dumped)")
  }

  @Test(
    "a broken impersonation file names the field to fix",
    arguments: [
      (#""source_credentials":\#(userSource)"#, "service_account_impersonation_url", "is missing"),
      (#""service_account_impersonation_url":"\#(url)""#, "source_credentials", "is missing"),
      (
        #""service_account_impersonation_url":"\#(url)","source_credentials":"x""#, "source_credentials",
        "must be an object, found a string"
      ),
      (
        #""service_account_impersonation_url":"\#(url)","source_credentials":{"type":"authorized_user","client_id":"c"}"#,
        "source_credentials.client_secret", "is missing"
      ),
      (
        #""service_account_impersonation_url":"\#(url)","source_credentials":{"type":"external_account"}"#, "source_credentials.type",
        "the credentials that impersonate"
      ),
      (
        #""service_account_impersonation_url":"https://iamcredentials.googleapis.com/v1/x","source_credentials":\#(userSource)"#,
        "service_account_impersonation_url", "must end in"
      ),
      (
        #""service_account_impersonation_url":"\#(url)","source_credentials":\#(userSource),"delegates":"a@b""#, "delegates",
        "must be an array of strings"
      ),
      (
        #""service_account_impersonation_url":"\#(url)","source_credentials":\#(userSource),"delegates":["a b"]"#, "delegates[0]",
        "is not a service account's email"
      ),
    ])
  func brokenFile(fields: String, field: String, message: String) {
    let error = Self.fileError(fields)
    #expect(error?.field == field, "\(String(describing: error))")
    #expect(error?.message.contains(message) == true, "\(String(describing: error))")
  }

  @Test("a universe other than googleapis.com, in a file or its source, is read and then refused by name")
  func universeDomain() throws {
    let source =
      #"{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r","universe_domain":"example-cloud.goog"}"#
    let credentials = try GoogleCredentialsFile(
      json: Self.file(#""service_account_impersonation_url":"\#(Self.url)","source_credentials":\#(source)"#), file: "adc.json")
    #expect(credentials.universeDomain == "example-cloud.goog")
    #expect {
      try UniverseDomain.require(credentials.universeDomain, from: "universe_domain of the credentials file adc.json")
    } throws: { error in
      String(describing: error).hasPrefix(
        "universe domain example-cloud.goog (universe_domain of the credentials file adc.json) is not supported: ")
    }
    try UniverseDomain.require("googleapis.com", from: "x")
    try UniverseDomain.require(nil, from: "x")
  }

  @Test("the request asks for cloud-platform for an hour, and names delegates as projects/-/serviceAccounts/…")
  func requestBody() throws {
    let direct = try ServiceAccountImpersonation(chain: ["exporter@p.iam.gserviceaccount.com"], iamCredentialsURL: "https://i/v1")
    #expect(direct.url == "https://i/v1/projects/-/serviceAccounts/exporter@p.iam.gserviceaccount.com:generateAccessToken")
    let body = try JSONValue(parsing: direct.requestBody(scopes: [GoogleOAuth.cloudPlatformScope]))
    #expect(body == .object(JSONObject(["scope": .array([.string(GoogleOAuth.cloudPlatformScope)]), "lifetime": .string("3600s")])))
    let chained = try ServiceAccountImpersonation(
      chain: ["a@p.iam.gserviceaccount.com", "b@p.iam.gserviceaccount.com", "t@p.iam.gserviceaccount.com"],
      iamCredentialsURL: "https://i/v1")
    #expect(chained.target == "t@p.iam.gserviceaccount.com")
    let delegates = try JSONValue(parsing: chained.requestBody(scopes: ["s"]))["delegates"]
    #expect(
      delegates
        == .array([
          .string("projects/-/serviceAccounts/a@p.iam.gserviceaccount.com"),
          .string("projects/-/serviceAccounts/b@p.iam.gserviceaccount.com"),
        ]))
    #expect(ServiceAccountImpersonation.problem(inChain: []) == "no service account to impersonate was given")
    #expect(
      ServiceAccountImpersonation.problem(inChain: ["ok@p.iam.gserviceaccount.com", "../x"])?.contains(
        "\"../x\" is not a service account's email") == true)
    #expect(ServiceAccountImpersonation.problem(inChain: ["123456789012345678901"]) == nil)
  }

  @Test("the answer's token and expireTime are read, with or without a fraction; broken answers say what is wrong")
  func answer() throws {
    let token = try GeneratedAccessToken(
      json: Array(#"{"accessToken":"ya29.x","expireTime":"2030-01-02T03:04:05Z"}"#.utf8), serviceAccount: "t@p")
    #expect(token.accessToken == "ya29.x")
    #expect(token.expireTime == Date(timeIntervalSince1970: 1_893_553_445))
    let fraction = try GeneratedAccessToken(
      json: Array(#"{"accessToken":"a","expireTime":"2030-01-02T03:04:05.250000000Z"}"#.utf8), serviceAccount: "t@p")
    #expect(fraction.expireTime == Date(timeIntervalSince1970: 1_893_553_445.25))
    #expect(!String(describing: token).contains("ya29"))
    let broken: [(String, String)] = [
      ("[]", "IAM Credentials' answer for t@p is not a JSON object"),
      (#"{"expireTime":"2030-01-02T03:04:05Z"}"#, "IAM Credentials' answer for t@p has no accessToken"),
      (#"{"accessToken":"a"}"#, "IAM Credentials' answer for t@p has no expireTime"),
      (#"{"accessToken":"a","expireTime":"in an hour"}"#, "has an expireTime \"in an hour\" that is not an RFC 3339 time"),
      (#"{"accessToken":"a","expireTime":"2030-02-30T00:00:00Z"}"#, "day 30 does not exist in month 2"),
    ]
    for (body, message) in broken {
      #expect(throws: AuthenticationError.self) { try GeneratedAccessToken(json: Array(body.utf8), serviceAccount: "t@p") }
      do {
        _ = try GeneratedAccessToken(json: Array(body.utf8), serviceAccount: "t@p")
      } catch {
        #expect(error.message.contains(message), "\(error.message)")
      }
    }
  }
}
