import Toolbox

/// The Google Cloud settings the environment gives, read once: project, database, credentials file, emulators,
/// bucket, the project that pays, the service account to act as.
public struct GoogleCloudEnvironment: Sendable, Hashable {
  public var projectID: String?
  /// `FIRESTORE_DATABASE`: the Firestore database users and metadata are read from.
  public var databaseID: String
  /// Named by `FIREBASE_SERVICE_ACCOUNT_PATH` or `GOOGLE_APPLICATION_CREDENTIALS`.
  public var credentialsFile: String?
  /// gcloud's application-default credentials file, when it exists.
  public var gcloudCredentialsFile: String?
  /// `FIRESTORE_EMULATOR_HOST`: `host:port`, no scheme.
  public var firestoreEmulatorHost: String?
  /// From `STORAGE_EMULATOR_HOST` (a URL) or `FIREBASE_STORAGE_EMULATOR_HOST` (`host:port`).
  public var storageEmulatorURL: String?
  /// `FIREBASE_STORAGE_BUCKET`: the bucket plain object paths live in.
  public var storageBucket: String?
  /// `GCE_METADATA_HOST`: where the metadata server is.
  public var metadataHost: String?
  /// `SSL_CERT_FILE`: PEM certificates to trust instead of the system's (a TLS-inspecting proxy, a private emulator).
  public var trustedCertificatesFile: String?
  /// `MEDIABATCH_BILLING_PROJECT`: the project billed for requests (a requester-pays bucket's downloads, quota); it
  /// replaces the quota project of gcloud's user credentials.
  public var billingProject: String?
  /// `MEDIABATCH_IMPERSONATE_SERVICE_ACCOUNT`, comma-separated: the service account to act as, last; any before it
  /// form the delegation chain, each allowed to impersonate the next. Empty: act as the credentials found.
  public var impersonatedServiceAccounts: [String]
  /// `GOOGLE_CLOUD_UNIVERSE_DOMAIN`: the universe Google's APIs are in; only `googleapis.com` is supported.
  public var universeDomain: String?
  /// Where Google's APIs answer: googleapis.com's endpoints, which tests point at stand-ins on loopback.
  var endpoints = GoogleEndpoints()

  public init(
    projectID: String? = nil,
    databaseID: String = FirestoreDatabaseID.default,
    credentialsFile: String? = nil,
    gcloudCredentialsFile: String? = nil,
    firestoreEmulatorHost: String? = nil,
    storageEmulatorURL: String? = nil,
    storageBucket: String? = nil,
    metadataHost: String? = nil,
    billingProject: String? = nil,
    impersonatedServiceAccounts: [String] = [],
    universeDomain: String? = nil
  ) {
    self.projectID = projectID
    self.databaseID = databaseID
    self.credentialsFile = credentialsFile
    self.gcloudCredentialsFile = gcloudCredentialsFile
    self.firestoreEmulatorHost = firestoreEmulatorHost
    self.storageEmulatorURL = storageEmulatorURL
    self.storageBucket = storageBucket
    self.metadataHost = metadataHost
    self.billingProject = billingProject
    self.impersonatedServiceAccounts = impersonatedServiceAccounts
    self.universeDomain = universeDomain
  }

  /// Reads the variables; `fileExists` decides whether gcloud's well-known file is there.
  public init(environment: [String: String], fileExists: (String) -> Bool) {
    func value(_ name: String) -> String? {
      guard let text = environment[name]?.trimmingWhitespace(), !text.isEmpty else { return nil }
      return text
    }
    projectID = value("FIREBASE_PROJECT_ID") ?? value("GOOGLE_CLOUD_PROJECT") ?? value("GCLOUD_PROJECT")
    databaseID = value("FIRESTORE_DATABASE") ?? FirestoreDatabaseID.default
    credentialsFile = value("FIREBASE_SERVICE_ACCOUNT_PATH") ?? value("GOOGLE_APPLICATION_CREDENTIALS")
    let configFolder = value("CLOUDSDK_CONFIG") ?? value("HOME").map { $0 + "/.config/gcloud" }
    if let configFolder, fileExists(configFolder + "/application_default_credentials.json") {
      gcloudCredentialsFile = configFolder + "/application_default_credentials.json"
    }
    firestoreEmulatorHost = value("FIRESTORE_EMULATOR_HOST")
    if let url = value("STORAGE_EMULATOR_HOST") {
      storageEmulatorURL = url.contains("://") ? url : "http://" + url
    } else if let host = value("FIREBASE_STORAGE_EMULATOR_HOST") {
      storageEmulatorURL = "http://" + host
    }
    while storageEmulatorURL?.hasSuffix("/") == true { storageEmulatorURL?.removeLast() }
    storageBucket = value("FIREBASE_STORAGE_BUCKET")
    metadataHost = value("GCE_METADATA_HOST") ?? value("GCE_METADATA_ROOT")
    trustedCertificatesFile = value("SSL_CERT_FILE")
    billingProject = value("MEDIABATCH_BILLING_PROJECT")
    impersonatedServiceAccounts = Self.serviceAccountChain(value("MEDIABATCH_IMPERSONATE_SERVICE_ACCOUNT"))
    universeDomain = value("GOOGLE_CLOUD_UNIVERSE_DOMAIN")
  }

  /// `a@x,b@y,target@z` as a list, blanks dropped.
  public static func serviceAccountChain(_ text: String?) -> [String] {
    (text ?? "").split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
  }

  /// Whether anything says a Firebase project is meant to be read.
  public var isConfigured: Bool {
    projectID != nil || credentialsFile != nil || firestoreEmulatorHost != nil
  }

  /// Both services are emulated: no Google credentials are needed.
  public var isFullyEmulated: Bool { firestoreEmulatorHost != nil && storageEmulatorURL != nil }

  /// The variables that configure a project, for messages.
  public static let variableNames = [
    "FIREBASE_PROJECT_ID", "GOOGLE_CLOUD_PROJECT", "FIREBASE_SERVICE_ACCOUNT_PATH", "GOOGLE_APPLICATION_CREDENTIALS",
    "FIRESTORE_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "FIREBASE_STORAGE_EMULATOR_HOST", "FIREBASE_STORAGE_BUCKET",
    "FIRESTORE_DATABASE", "MEDIABATCH_BILLING_PROJECT", "MEDIABATCH_IMPERSONATE_SERVICE_ACCOUNT", "GOOGLE_CLOUD_UNIVERSE_DOMAIN",
  ]
}

