/// Thrown by a test when a value does not have the shape needed to go on checking it.
struct TestFailure: Error, CustomStringConvertible {
  var description: String

  init(_ description: String = "unexpected shape") {
    self.description = description
  }
}
