import MediaBatchCore
import Toolbox

/// Large objects: the sliced path of a download, tried before the single stream.
extension ItemDownloader {
  /// A large object as parallel slices, when its metadata says it is large and gives what slices need (a generation
  /// and a CRC32C, stored uncompressed). `nil` hands the item to the single stream, which starts over: the store
  /// cannot slice it, or a slice could not be finished (the single stream then meets the same trouble, and its
  /// retries and error codes apply).
  func fetchSliced(
    _ item: MediaItem, slicing: Slicing, directory: OpenDirectory, destination: Destination, outcome: ItemOutcome
  ) async -> Result? {
    guard let info = try? await store.objectInfo(of: item.location), let size = info.size, let generation = info.generation,
      let expected = info.crc32c, !info.isGzip
    else { return nil }
    let slices = slicing.slices(of: size)
    guard slices.count > 1, let file = try? directory.createFile(destination.partialName) else { return nil }
    let download = SlicedDownload(
      store: store, retry: retry, progress: progress, location: item.location, generation: generation, slices: slices)
    do {
      let crc = try await download.run(into: file)
      guard crc == expected else {
        progress.bytesStreamed(-size)
        throw SlicedDownload<Store>.FallBack(
          description: "CRC32C of the slices of \(item.location) is \(CRC32C.hex(crc)), the store declares \(CRC32C.hex(expected))")
      }
      let stamp = file.stamp()
      try file.close()
      pool.answered()
      var outcome = outcome
      outcome.status = .downloaded
      outcome.attempts = 1
      outcome.generation = generation
      outcome.size = size
      outcome.crc32c = CRC32C.hex(crc)
      outcome.md5 = info.md5?.hexString
      outcome.contentType = info.contentType ?? item.contentType
      return Result(
        outcome: outcome, countedBytes: item.declaredSize ?? size, stamp: stamp,
        placement: .init(directory: directory, partialName: destination.partialName, finalName: destination.fileName))
    } catch {
      try? file.close()
      directory.remove(destination.partialName)
      return nil
    }
  }
}
