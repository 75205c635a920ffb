/// Fuzz target `json`: `JSONParser` (Sources/GoogleCloud/JSON/JSONParser.swift).
///
/// Properties checked for any bytes:
/// - parsing never crashes: it returns a value or throws `JSONParseError` whose offset lies within the input;
/// - an accepted value serialises (`JSONValue+Serialization.swift`) to text that parses back to an equal value, and
///   serialising that value again gives the same bytes (a fixed point after one round);
/// - every number kept in the value is, on its own, a JSON number (`JSONParser.isNumber`).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeBufferPointer(start: data, count: size)
  let value: JSONValue
  do {
    value = try JSONParser().parse(input)
  } catch {
    require((0...size).contains(error.offset), "error offset \(error.offset) outside 0...\(size): \(error)")
    return 0
  }
  checkNumbers(value)

  let text = value.serializedBytes()
  let reparsed: JSONValue
  do {
    reparsed = try JSONParser().parse(text)
  } catch {
    violation("serialised text does not parse: \(error)\ntext: \(escaped(String(decoding: text, as: UTF8.self)))")
  }
  require(reparsed == value, "reparsed value differs\nfirst:  \(escaped(value.serialized()))\nsecond: \(escaped(reparsed.serialized()))")
  let again = reparsed.serializedBytes()
  require(again == text, "serialisation is not a fixed point\nfirst:  \(escaped(String(decoding: text, as: UTF8.self)))\nsecond: \(escaped(String(decoding: again, as: UTF8.self)))")
  return 0
}

private func checkNumbers(_ value: JSONValue) {
  switch value {
  case .number(let text): require(JSONParser.isNumber(text), "number \(escaped(text)) is not a JSON number on its own")
  case .array(let elements): elements.forEach(checkNumbers)
  case .object(let object): object.members.forEach { checkNumbers($0.value) }
  case .null, .bool, .string: break
  }
}
