@testable import GoogleCloud
import Testing

@Suite("Google API calls as metric labels")
struct APICallMetricsTests {
  @Test("each URL is named by its service and API method, with no object or document name in the labels")
  func classify() {
    let cases: [(String, String, String)] = [
      ("https://firestore.googleapis.com/v1/projects/p/databases/(default)/documents:runQuery", "firestore", "runQuery"),
      ("http://127.0.0.1:8080/v1/projects/p/databases/(default)/documents:batchGet", "firestore", "batchGet"),
      ("https://firestore.googleapis.com/v1/projects/p/databases/d/documents:partitionQuery", "firestore", "partitionQuery"),
      ("https://firestore.googleapis.com/v1/projects/p/databases/d/documents/users/a:b/c", "firestore", "get"),
      ("https://storage.googleapis.com/storage/v1/b/bucket/o/users%2Fa%2Fb.jpg?alt=media&generation=3", "storage", "objects.get.media"),
      ("https://storage.googleapis.com/storage/v1/b/bucket/o/users%2Fa%2Fb.jpg?fields=size", "storage", "objects.get"),
      ("https://storage.googleapis.com/storage/v1/b/bucket/o?prefix=users%2F", "storage", "objects.list"),
      ("https://storage.googleapis.com/storage/v1/b/bucket", "storage", "buckets.get"),
      ("https://storage.googleapis.com/download/storage/v1/b/bucket/o/x?alt=media", "storage", "objects.get.media"),
      ("https://oauth2.googleapis.com/token", "oauth", "token"),
      ("https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:generateAccessToken", "iamcredentials", "generateAccessToken"),
      ("http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token", "metadata", "token"),
    ]
    for (url, service, method) in cases {
      let named = APICallMetrics.classify(url)
      #expect(named.service == service && named.method == method, "\(url) → \(named)")
    }
  }
}
