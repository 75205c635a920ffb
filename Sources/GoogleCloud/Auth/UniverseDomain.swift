/// The universe Google's APIs are in. Only `googleapis.com` is supported: in another universe the endpoints of
/// Firestore, Cloud Storage, IAM Credentials and the token exchange all change, a service-account key signs its own
/// tokens instead of exchanging them, and none of that can be checked against a real universe here. A setting that
/// names another universe stops MediaBatch at start rather than sending its credentials to googleapis.com.
public enum UniverseDomain {
  public static let googleapis = "googleapis.com"

  /// Refuses `domain` unless it is googleapis.com; `origin` says where it was set, for the message.
  public static func require(_ domain: String?, from origin: String) throws(UnsupportedUniverseDomain) {
    guard let domain, domain.lowercased() != googleapis else { return }
    throw UnsupportedUniverseDomain(domain: domain, origin: origin)
  }
}

/// A setting names a universe other than googleapis.com.
public struct UnsupportedUniverseDomain: Error, Sendable, Hashable, CustomStringConvertible {
  public var domain: String
  /// Where it was set: a variable, or a credentials file's field.
  public var origin: String

  public var description: String {
    "universe domain \(domain) (\(origin)) is not supported: MediaBatch reaches Firestore, Cloud Storage, IAM "
      + "Credentials and the token endpoint at googleapis.com only; use credentials and settings of the googleapis.com universe"
  }
}
