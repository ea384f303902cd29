import Foundation
import Testing

@testable import SwitchyardCore

@Suite("Model catalog")
struct ModelCatalogTests {
    @Test func embeddedCopyMatchesTheDataFile() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let file = try String(contentsOf: root.appendingPathComponent("catalog/models.csv"), encoding: .utf8)
        #expect(CatalogData.csv.trimmingCharacters(in: .newlines) == file.trimmingCharacters(in: .newlines),
                "run scripts/generate-catalog.py after editing catalog/models.csv")
    }

    @Test func builtInCatalogIsLargeAndParsesEveryRow() throws {
        let catalog = try ModelCatalog(csv: CatalogData.csv)
        #expect(catalog.entries.count >= 170)
        #expect(catalog.providers.count >= 14)
        #expect(ModelCatalog.builtIn.entries.count == catalog.entries.count)
    }

    @Test func lookupMapsProtocolsToCatalogProviders() throws {
        let catalog = ModelCatalog.builtIn
        #expect(catalog.entry(protocol: .openai, model: "gpt-4o")?.inputUSDPerMTok == 2.5)
        #expect(catalog.entry(protocol: .deepseek, model: "deepseek-chat")?.provider == "deepseek")
        let vertex = catalog.entries.first { $0.provider == "vertex_ai" }
        let vertexModel = try #require(vertex?.model)
        #expect(catalog.entry(protocol: .vertex, model: vertexModel)?.provider == "vertex_ai")
        // A model id served through another account falls back to its catalog row.
        #expect(catalog.entry(protocol: .vllm, model: "gpt-4o")?.provider == "openai")
        #expect(catalog.entry(protocol: .openai, model: "no-such-model") == nil)
    }

    @Test func costUsesCachedPriceForCachedPromptTokens() {
        let entry = CatalogEntry(provider: "openai", model: "m", inputUSDPerMTok: 2, outputUSDPerMTok: 8, cachedInputUSDPerMTok: 0.5)
        let usage = TokenUsage(promptTokens: 1_000_000, completionTokens: 500_000, cachedPromptTokens: 400_000)
        // 600k * $2 + 400k * $0.5 + 500k * $8 = 1.2 + 0.2 + 4.0
        #expect(abs((entry.cost(of: usage) ?? 0) - 5.4) < 1e-9)
        let unknown = CatalogEntry(provider: "x", model: "m", inputUSDPerMTok: nil, outputUSDPerMTok: 1)
        #expect(unknown.cost(of: usage) == nil)
        let embedding = CatalogEntry(provider: "x", model: "e", inputUSDPerMTok: 0.02, outputUSDPerMTok: nil, mode: .embedding)
        #expect(abs((embedding.cost(of: TokenUsage(promptTokens: 1_000_000, completionTokens: 0)) ?? 0) - 0.02) < 1e-12)
    }

    @Test func overridesReplaceOnlyTheGivenFigures() {
        let base = CatalogEntry(provider: "openai", model: "m", inputUSDPerMTok: 2, outputUSDPerMTok: 8, contextWindow: 1000)
        let applied = PricingOverride(outputUSDPerMTok: 4, contextWindow: 5000).applied(to: base, provider: "p", model: "m")
        #expect(applied.inputUSDPerMTok == 2 && applied.outputUSDPerMTok == 4 && applied.contextWindow == 5000)
        let fresh = PricingOverride(inputUSDPerMTok: 1).applied(to: nil, provider: "p", model: "m")
        #expect(fresh.inputUSDPerMTok == 1 && fresh.outputUSDPerMTok == nil)
    }

    @Test func malformedRowsAreRejectedWithTheirLine() {
        #expect(throws: ModelCatalog.ParseError.self) { try ModelCatalog(csv: "header\nopenai,gpt,1,2\n") }
        #expect(throws: ModelCatalog.ParseError.self) { try ModelCatalog(csv: "header\nopenai,gpt,1,2,,100,10,image\n") }
    }
}
