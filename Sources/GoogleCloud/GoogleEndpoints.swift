/// Where Google's APIs answer. Only the googleapis.com universe's endpoints are supported (`UniverseDomain`); they
/// can be changed from inside this module only, so tests can point them at stand-ins on loopback and users cannot
/// send credentials anywhere by mistake.
struct GoogleEndpoints: Sendable, Hashable {
  var firestore = "https://firestore.googleapis.com/v1"
  var storage = "https://storage.googleapis.com"
  /// The IAM Credentials API, which mints tokens for impersonated service accounts.
  var iamCredentials = "https://iamcredentials.googleapis.com/v1"
}
