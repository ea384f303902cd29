/// Reads a Cohere v2 SSE stream (providers.md §6) through `CohereStreamTranslator`.
typealias CohereStreamSource = SSETranslatingSource<CohereStreamTranslator>

extension CohereStreamTranslator: SSEChunkTranslator {}
