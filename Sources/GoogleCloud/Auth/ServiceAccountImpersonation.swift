/// Whom to act as: a service account, reached through a chain of delegates, whose tokens IAM Credentials'
/// `generateAccessToken` mints for the credentials that ask.
public struct ServiceAccountImpersonation: Sendable, Hashable {
  /// The service account's email (or unique id).
  public var target: String
  /// The accounts between the asking credentials and the target, in order, each allowed to impersonate the next.
  public var delegates: [String]
  /// `…/v1/projects/-/serviceAccounts/{target}:generateAccessToken`.
  public var url: String

  /// From a chain `a, b, target`: the last account is the one to act as. `iamCredentialsURL` is the API's root,
  /// `https://iamcredentials.googleapis.com/v1`.
  public init(chain: [String], iamCredentialsURL: String) throws(ImpersonationSettingError) {
    if let problem = Self.problem(inChain: chain) { throw ImpersonationSettingError(problem) }
    guard let target = chain.last else { throw ImpersonationSettingError("no service account to impersonate was given") }
    self.target = target
    self.delegates = Array(chain.dropLast())
    self.url = iamCredentialsURL + "/projects/-/serviceAccounts/" + target + ":generateAccessToken"
  }

  /// From a credentials file: the target is the segment of `url` before `:generateAccessToken`.
  init(url: String, delegates: [String], fields: CredentialsFields, urlField: String) throws(CredentialsFileError) {
    let suffix = ":generateAccessToken"
    guard url.hasSuffix(suffix), let slash = url.dropLast(suffix.count).lastIndex(of: "/") else {
      throw fields.error(urlField, "must end in /serviceAccounts/{email}:generateAccessToken, found \"\(url)\"")
    }
    let target = String(url[url.index(after: slash)..<url.index(url.endIndex, offsetBy: -suffix.count)])
    if let problem = Self.problem(inServiceAccount: target) { throw fields.error(urlField, problem) }
    let accounts = delegates.map(Self.account(named:))
    for (index, account) in accounts.enumerated() {
      if let problem = Self.problem(inServiceAccount: account) { throw fields.error("delegates[\(index)]", problem) }
    }
    self.target = target
    self.delegates = accounts
    self.url = url
  }

  /// The body of the request: the scopes, an hour's lifetime (the longest allowed without an organisation policy
  /// that extends it), and the delegates as `projects/-/serviceAccounts/{email}`, the only form the API takes.
  public func requestBody(scopes: [String]) -> [UInt8] {
    var body = JSONObject([
      "scope": .array(scopes.map { .string($0) }),
      "lifetime": .string("3600s"),
    ])
    if !delegates.isEmpty {
      body.set("delegates", .array(delegates.map { .string("projects/-/serviceAccounts/" + $0) }))
    }
    return JSONValue.object(body).serializedBytes()
  }

  /// An email from a delegate written either way: `sa@p.iam.gserviceaccount.com` or `projects/-/serviceAccounts/sa@…`.
  private static func account(named name: String) -> String {
    guard name.hasPrefix("projects/"), let slash = name.lastIndex(of: "/") else { return name }
    return String(name[name.index(after: slash)...])
  }

  /// What makes a chain `a, b, target` unusable, or nil.
  public static func problem(inChain chain: [String]) -> String? {
    guard !chain.isEmpty else { return "no service account to impersonate was given" }
    return chain.lazy.compactMap(problem(inServiceAccount:)).first
  }

  /// What makes `account` unusable as a service account in a request path, or nil.
  public static func problem(inServiceAccount account: String) -> String? {
    if account.isEmpty { return "a service account to impersonate is empty" }
    if account.allSatisfy(\.isNumber) { return nil }  // a unique id
    let allowed = account.unicodeScalars.allSatisfy { scalar in
      ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "@.-_".unicodeScalars.contains(scalar)
    }
    guard allowed, account.contains("@") else {
      return "\"\(account)\" is not a service account's email (like name@project.iam.gserviceaccount.com)"
    }
    return nil
  }
}

/// A service account to impersonate that cannot be used as given.
public struct ImpersonationSettingError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
