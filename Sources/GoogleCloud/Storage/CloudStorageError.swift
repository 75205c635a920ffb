/// Why a Cloud Storage call failed, in the client's terms; what to do about it is the caller's to decide.
public enum CloudStorageError: Error, Sendable, CustomStringConvertible {
  /// The bucket or object name cannot be sent (empty, too long, a line break, …): nothing was asked.
  case invalidName(StorageObjectID, String)
  /// No answer: the connection failed, timed out or was refused, or the token endpoint failed.
  case transport(StorageObjectID, any Error)
  /// Cloud Storage answered with an error.
  case api(StorageObjectID, GoogleAPIError)
  /// A download pinned to a generation found it gone (404 or 412): the object was replaced or deleted since.
  case generationGone(StorageObjectID, GoogleAPIError)
  /// A `206` without a usable `Content-Range`.
  case unusablePartialAnswer(StorageObjectID)
  /// A range from `offset` was refused (`416`): the object is shorter than that now.
  case rangeNotSatisfiable(StorageObjectID, offset: Int64)
  /// An `x-goog-hash` header that cannot be read.
  case malformedHashes(String)
  /// An object resource that cannot be read.
  case unreadableResource(String)

  public var description: String {
    switch self {
    case .invalidName(let object, let problem): "\(object): \(problem)"
    case .transport(let object, let error): "no answer for \(object): \(error)"
    case .api(_, let error), .generationGone(_, let error): error.description
    case .unusablePartialAnswer(let object): "a partial answer for \(object) has no usable Content-Range"
    case .rangeNotSatisfiable(let object, let offset): "\(object) is shorter than the \(offset) bytes already fetched"
    case .malformedHashes(let detail): "malformed x-goog-hash header: \(detail)"
    case .unreadableResource(let detail): "unreadable object metadata: \(detail)"
    }
  }
}
