using System.Collections.Frozen;

namespace CrowNest.GraphQL.Transport;

/// <summary>Resolves trusted-document ids (sha256 hex of the document text) to document text.</summary>
public interface ITrustedDocumentStore
{
    /// <summary>Looks up a document by its hash.</summary>
    bool TryGetDocument(DocumentHash id, out string document);
}

/// <summary>An immutable in-memory trusted-document store whose ids are computed from the documents themselves.</summary>
public sealed class InMemoryTrustedDocumentStore : ITrustedDocumentStore
{
    private readonly FrozenDictionary<DocumentHash, string> _documents;

    /// <summary>Creates a store holding <paramref name="documents"/>; each id is the sha256 hex of the UTF-8 text.</summary>
    public InMemoryTrustedDocumentStore(IEnumerable<string> documents)
    {
        var map = new Dictionary<DocumentHash, string>();
        foreach (var document in documents)
        {
            map[DocumentHash.Compute(document)] = document;
        }

        _documents = map.ToFrozenDictionary();
    }

    /// <summary>Creates a store from a manifest of id → document; ids that do not match their document are rejected.</summary>
    /// <exception cref="ArgumentException">An id is malformed or is not the sha256 of its document.</exception>
    public InMemoryTrustedDocumentStore(IEnumerable<KeyValuePair<string, string>> manifest)
    {
        var map = new Dictionary<DocumentHash, string>();
        foreach (var (id, document) in manifest)
        {
            var actual = DocumentHash.Compute(document);
            if (!DocumentHash.TryParse(id, out var hash) || hash != actual)
            {
                throw new ArgumentException($"Trusted document id '{id}' is not the sha256 of its document ({actual}).", nameof(manifest));
            }

            map[hash] = document;
        }

        _documents = map.ToFrozenDictionary();
    }

    /// <summary>The ids of all stored documents (lowercase hex).</summary>
    public IEnumerable<string> Ids => _documents.Keys.Select(k => k.ToString());

    /// <inheritdoc />
    public bool TryGetDocument(DocumentHash id, out string document) => _documents.TryGetValue(id, out document!);
}
