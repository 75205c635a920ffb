/// Fuzz target `json-stream`: `JSONArrayStreamParser` (Sources/GoogleCloud/JSON/JSONArrayStreamParser.swift).
///
/// The input is fed twice: whole, and in chunks whose sizes (0 to 64 bytes, or one byte each) are derived from the
/// input, so that chunk boundaries fall inside escapes, strings, numbers and multi-byte UTF-8 sequences.
/// Properties checked:
/// - feeding and finishing never crash; a thrown error's offset lies within the input;
/// - chunking changes nothing: both runs succeed or both fail, with the same elements;
/// - the streamed result agrees with `JSONParser` on the whole input: when the input is one valid JSON array, the
///   stream succeeds and yields exactly its elements; when the stream succeeds, the input is such an array. (The
///   array itself is one nesting level, so the whole-input parser gets `maxDepth + 1`.)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONArrayStream(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeBufferPointer(start: data, count: size)
  var random = InputRandom(input)

  let whole = stream(input, chunkSizes: { size })
  let mode = random.next(below: 3)
  let chunked = stream(input) {
    switch mode {
    case 0: 1
    case 1: random.next(below: 9)
    default: random.next(below: 65)
    }
  }

  for result in [whole, chunked] {
    if case .failure(let error) = result {
      require((0...size).contains(error.offset), "error offset \(error.offset) outside 0...\(size): \(error)")
    }
  }
  switch (whole, chunked) {
  case (.success(let a), .success(let b)):
    require(a == b, "chunked elements differ from whole-input elements (\(a.count) vs \(b.count))")
  case (.failure, .failure): break
  case (.success, .failure(let error)): violation("only the chunked run failed (mode \(mode)): \(error)")
  case (.failure(let error), .success): violation("only the whole-input run failed: \(error)")
  }

  let reference = Result { () throws(JSONParseError) in try JSONParser(maxDepth: JSONParser.defaultMaxDepth + 1).parse(input) }
  switch (reference, whole) {
  case (.success(.array(let expected)), .success(let elements)):
    require(expected == elements, "streamed elements differ from JSONParser's array (\(elements.count) vs \(expected.count))")
  case (.success(.array), .failure(let error)):
    violation("JSONParser accepts the array but the stream fails: \(error)")
  case (.success(let other), .success):
    violation("the stream accepted input that JSONParser reads as \(other.typeName), not an array")
  case (.failure(let error), .success(let elements)):
    violation("the stream accepted \(elements.count) elements but JSONParser rejects the input: \(error)")
  case (.success, .failure), (.failure, .failure): break
  }
  return 0
}

/// Streams `input` in chunks of the sizes `chunkSizes` returns, then finishes.
private func stream(
  _ input: UnsafeBufferPointer<UInt8>, chunkSizes: () -> Int
) -> Result<[JSONValue], JSONParseError> {
  var parser = JSONArrayStreamParser()
  var elements: [JSONValue] = []
  var offset = 0
  do throws(JSONParseError) {
    repeat {
      let end = min(input.count, offset + chunkSizes())
      // Alternate the two feed entry points; both must behave the same.
      if elements.count % 2 == 0 {
        elements += try parser.feed(UnsafeBufferPointer(rebasing: input[offset..<end]))
      } else {
        elements += try parser.feed(Array(input[offset..<end]))
      }
      offset = end
    } while offset < input.count
    try parser.finish()
  } catch {
    return .failure(error)
  }
  require(parser.isFinished, "finish() returned but isFinished is false")
  return .success(elements)
}
