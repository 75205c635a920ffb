public import GoogleCloud
public import MediaBatchCore

extension GoogleAPIError {
  /// The engine's view of a failed Cloud Storage download of `location`.
  public func storeError(for location: ObjectLocation) -> StoreError {
    let object = "\(location.bucket)/\(location.object)"
    let (code, text): (ItemError.Code, String)
    switch httpStatus {
    case _ where isRateLimit: (code, text) = (.rateLimited, "rate limited reading \(object): \(message)")
    case 404?: (code, text) = (.notFound, "object \(object) does not exist")
    // A pinned generation that no longer matches means the object was replaced or deleted mid-download.
    case 412?: (code, text) = (.notFound, "object \(object) no longer has the generation being read: \(message)")
    case 401?: (code, text) = (.unauthenticated, "credentials rejected reading \(object): \(message)")
    case 403?: (code, text) = (.permissionDenied, "no permission to read \(object): \(message)")
    case 408?: (code, text) = (.network, "request timed out reading \(object): \(message)")
    case let status? where (500..<600).contains(status): (code, text) = (.serverError, "server error reading \(object): \(message)")
    case _ where isRetryable: (code, text) = (.serverError, "server error reading \(object): \(message)")
    default: (code, text) = (.storeError, "reading \(object) failed: \(message)")
    }
    let treatment: StoreError.Treatment =
      isRateLimit ? .rateLimited(retryAfter: retryAfter) : isRetryable ? .transient(retryAfter: retryAfter) : .permanent
    return StoreError(code, text, treatment)
  }
}
