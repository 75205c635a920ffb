import ArgumentParser
import Foundation
import GoogleCloud

extension ResolvedSettings {
  /// Google's settings: each flag over its variable over the settings file.
  static func googleEnvironment(_ options: SourceOptions, file: SettingsFile, environment: [String: String]) -> GoogleCloudEnvironment {
    var google = GoogleCloudEnvironment(environment: environment) { FileManager.default.fileExists(atPath: $0) }
    if let project = options.project ?? file.project, options.project != nil || google.projectID == nil { google.projectID = project }
    if let bucket = options.bucket ?? file.bucket, options.bucket != nil || google.storageBucket == nil { google.storageBucket = bucket }
    let databaseSet = environment["FIRESTORE_DATABASE"].map { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? false
    if let database = options.database ?? (databaseSet ? nil : file.database) { google.databaseID = database }
    google.billingProject = options.billingProject ?? google.billingProject ?? file.billingProject
    if let chain = options.impersonateServiceAccount {
      google.impersonatedServiceAccounts = GoogleCloudEnvironment.serviceAccountChain(chain)
    }
    return google
  }

  /// Checks what a Firebase source will use, whichever place set it, before anything is asked of Google.
  static func check(_ google: GoogleCloudEnvironment) throws {
    if let problem = FirestoreDatabaseID.problem(in: google.databaseID) {
      throw ValidationError("the Firestore database \"\(google.databaseID)\" cannot be used: \(problem)")
    }
    if let billing = google.billingProject, let problem = problem(inProjectID: billing) {
      throw ValidationError("the billing project cannot be used: \(problem)")
    }
    if !google.impersonatedServiceAccounts.isEmpty,
      let problem = ServiceAccountImpersonation.problem(inChain: google.impersonatedServiceAccounts)
    {
      throw ValidationError("the service account to impersonate cannot be used: \(problem)")
    }
    do {
      try UniverseDomain.require(google.universeDomain, from: "GOOGLE_CLOUD_UNIVERSE_DOMAIN")
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// What makes `id` unusable as a Google Cloud project id in a header or query, or nil: a project id is 6–30
  /// lowercase letters, digits and `-` (older ones may carry a `domain:` prefix and dots).
  static func problem(inProjectID id: String) -> String? {
    let allowed = id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-:.".unicodeScalars.contains($0) }
    guard allowed, !id.isEmpty, id.count <= 63 else {
      return "\"\(id)\" is not a project id (lowercase letters, digits and '-', like my-project-123)"
    }
    return nil
  }
}
