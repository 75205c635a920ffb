/// A JSON object's members in the order they were written.
///
/// Order is kept because signed JWT headers and claims must serialise exactly as built, and because error
/// messages read better in source order. Lookups are linear: the objects this client reads are small, and the
/// parser rejects duplicate keys so the first match is the only one.
///
/// Kept by hand rather than swift-collections' `OrderedDictionary`: listing pages parse thousands of small objects,
/// and hashing every key of each would cost more than the linear lookups it saves.
public struct JSONObject: Sendable, Hashable, Sequence {
  /// One `"key": value` pair.
  public struct Member: Sendable, Hashable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
      self.key = key
      self.value = value
    }
  }

  public private(set) var members: [Member]

  public init(_ members: [Member] = []) {
    self.members = members
  }

  public init(_ pairs: KeyValuePairs<String, JSONValue>) {
    self.members = pairs.map { Member($0.key, $0.value) }
  }

  public var count: Int { members.count }
  public var isEmpty: Bool { members.isEmpty }
  public var keys: [String] { members.map(\.key) }

  public subscript(key: String) -> JSONValue? {
    members.first { $0.key == key }?.value
  }

  /// Appends a member; a key already present is replaced in place so the object stays duplicate-free.
  public mutating func set(_ key: String, _ value: JSONValue) {
    if let index = members.firstIndex(where: { $0.key == key }) {
      members[index].value = value
    } else {
      members.append(Member(key, value))
    }
  }

  public func makeIterator() -> IndexingIterator<[Member]> {
    members.makeIterator()
  }
}
