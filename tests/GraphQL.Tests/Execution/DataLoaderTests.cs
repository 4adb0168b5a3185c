using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>DataLoader batching: every wave of execution dispatches each loader once, results are cached per request.</summary>
public sealed class DataLoaderTests
{
    public sealed record Book(int Id, string Title, int AuthorId);

    public sealed record Author(int Id, string Name);

    private const string Sdl = """
        type Book { id: Int title: String author: Author }
        type Author { id: Int name: String books: [Book] publisher: String }
        type Query { books: [Book] }
        """;

    private static readonly Book[] Books = [.. Enumerable.Range(1, 50).Select(i => new Book(i, "Book " + i, (i % 10) + 1))];

    /// <summary>A real loader counting its batches and the keys it was asked for.</summary>
    public sealed class CountingAuthorLoader : BatchDataLoader<int, Author>
    {
        public List<IReadOnlyList<int>> Batches { get; } = [];

        public TimeSpan Delay { get; init; }

        protected override async Task<IReadOnlyDictionary<int, Author>> LoadBatchAsync(IReadOnlyList<int> keys, CancellationToken cancellationToken)
        {
            lock (Batches)
            {
                Batches.Add([.. keys]);
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            return keys.ToDictionary(k => k, k => new Author(k, "Author " + k));
        }
    }

    private static async Task<ExecutionResult> RunAsync(Schema schema, string query, DataLoaderRegistry registry) =>
        await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = schema,
            Document = CrowNest.GraphQL.Language.Parser.Parse(query),
            DataLoaders = registry,
        });

    private static Schema CreateSchema(Func<IResolverContext, CountingAuthorLoader> loader, List<IReadOnlyList<int>>? bookBatches = null) =>
        BuildSchema(Sdl, b =>
        {
            b.BindObject<Book>("Book").BindObject<Author>("Author");
            b.AddResolver("Query.books", _ => Books);
            b.AddResolver("Book.author", async ctx => await loader(ctx).LoadAsync(((Book)ctx.Parent!).AuthorId));
            b.AddResolver("Author.books", async ctx =>
            {
                var byAuthor = ctx.GetDataLoader<int, Book[]>("booksByAuthor", (keys, _) =>
                {
                    lock (bookBatches!)
                    {
                        bookBatches.Add([.. keys]);
                    }

                    IReadOnlyDictionary<int, Book[]> result = keys.ToDictionary(k => k, k => Books.Where(x => x.AuthorId == k).Take(2).ToArray());
                    return Task.FromResult(result);
                });
                return await byAuthor.LoadAsync(((Author)ctx.Parent!).Id);
            });
        });

    [Fact]
    public async Task BooksWithAuthorsFetchAuthorsInOneBatch()
    {
        var registry = new DataLoaderRegistry();
        var loader = registry.GetOrAdd("authors", () => new CountingAuthorLoader());
        var schema = CreateSchema(_ => loader);

        var result = await RunAsync(schema, "{ books { title author { name } } }", registry);

        Assert.Null(result.Errors);
        var batch = Assert.Single(loader.Batches);
        Assert.Equal(Enumerable.Range(1, 10).Order(), batch.Order());
        var books = Assert.IsAssignableFrom<IReadOnlyList<object?>>(result.Data!["books"]);
        Assert.Equal(50, books.Count);
        var third = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(books[2]);
        Assert.Equal("Book 3", third["title"]);
        Assert.Equal("Author 4", Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(third["author"])["name"]);
    }

    [Fact]
    public async Task AsyncBatchFunctionsStillBatchOncePerWave()
    {
        var registry = new DataLoaderRegistry();
        var loader = registry.GetOrAdd("authors", () => new CountingAuthorLoader { Delay = TimeSpan.FromMilliseconds(10) });
        var bookBatches = new List<IReadOnlyList<int>>();
        var schema = CreateSchema(_ => loader, bookBatches);

        var result = await RunAsync(schema, "{ books { author { name books { title author { id } } } } }", registry);

        Assert.Null(result.Errors);

        // Wave 1: authors of the 50 books; wave 2: books of those authors; wave 3: authors of those books (cached).
        Assert.Single(bookBatches);
        Assert.Single(loader.Batches);
        var first = (IReadOnlyDictionary<string, object?>)((IReadOnlyList<object?>)result.Data!["books"]!)[0]!;
        Assert.Equal(
            """{"name":"Author 2","books":[{"title":"Book 1","author":{"id":2}},{"title":"Book 11","author":{"id":2}}]}""",
            DataJson(new ExecutionResult { Data = (IReadOnlyDictionary<string, object?>)first["author"]! }));
    }

    [Fact]
    public async Task LoadersResolvedFromContextAreCreatedOncePerRequest()
    {
        var created = new List<CountingAuthorLoader>();
        var schema = BuildSchema(Sdl, b =>
        {
            b.BindObject<Book>("Book").BindObject<Author>("Author");
            b.AddResolver("Query.books", _ => Books);
            b.AddResolver("Book.author", async ctx =>
            {
                var loader = ctx.DataLoader<CountingAuthorLoader>();
                lock (created)
                {
                    if (!created.Contains(loader))
                    {
                        created.Add(loader);
                    }
                }

                return await loader.LoadAsync(((Book)ctx.Parent!).AuthorId);
            });
        });

        for (var request = 0; request < 2; request++)
        {
            var result = await ExecuteAsync(schema, "{ books { author { name } } }");
            Assert.Null(result.Errors);
        }

        Assert.Equal(2, created.Count);
        Assert.All(created, loader => Assert.Single(loader.Batches));
    }

    [Fact]
    public async Task SiblingLoadersAreDispatchedInTheSameWave()
    {
        var registry = new DataLoaderRegistry();
        var authors = registry.GetOrAdd("authors", () => new CountingAuthorLoader());
        var others = registry.GetOrAdd("others", () => new CountingAuthorLoader());
        var schema = BuildSchema(Sdl + " extend type Book { coAuthor: Author }", b =>
        {
            b.BindObject<Book>("Book").BindObject<Author>("Author");
            b.AddResolver("Query.books", _ => Books);
            b.AddResolver("Book.author", async ctx => await authors.LoadAsync(((Book)ctx.Parent!).AuthorId));
            b.AddResolver("Book.coAuthor", async ctx => await others.LoadAsync(((Book)ctx.Parent!).Id));
        });

        var result = await RunAsync(schema, "{ books { author { name } coAuthor { name } } }", registry);
        Assert.Null(result.Errors);
        Assert.Single(authors.Batches);
        Assert.Single(others.Batches);
        Assert.Equal(50, others.Batches[0].Count);
    }

    [Fact]
    public async Task FailedBatchesBecomeFieldErrors()
    {
        var schema = BuildSchema(Sdl, b =>
        {
            b.BindObject<Book>("Book").BindObject<Author>("Author");
            b.AddResolver("Query.books", _ => Books.Take(3));
            b.AddResolver("Book.author", async ctx =>
            {
                var loader = ctx.GetDataLoader<int, Author>("failing", (_, _) =>
                    Task.FromException<IReadOnlyDictionary<int, Author>>(new GraphQLException("authors unavailable", "UPSTREAM")));
                return await loader.LoadAsync(((Book)ctx.Parent!).AuthorId);
            });
        });

        var result = await ExecuteAsync(schema, "{ books { title author { name } } }");
        Assert.Equal(3, result.Errors!.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("authors unavailable", e.Message);
            Assert.Equal("UPSTREAM", e.Code);
        });
        Assert.Equal(["books", 1, "author"], result.Errors.Select(e => e.Path!).OrderBy(p => (int)p[1]).ElementAt(1));
        Assert.Equal("""{"books":[{"title":"Book 1","author":null},{"title":"Book 2","author":null},{"title":"Book 3","author":null}]}""", DataJson(result));
    }

    [Fact]
    public async Task ResolversThatAwaitOtherWorkBeforeLoadingStillComplete()
    {
        var registry = new DataLoaderRegistry();
        var loader = registry.GetOrAdd("authors", () => new CountingAuthorLoader());
        var schema = BuildSchema(Sdl, b =>
        {
            b.BindObject<Book>("Book").BindObject<Author>("Author");
            b.AddResolver("Query.books", _ => Books.Take(5));
            b.AddResolver("Book.author", async ctx =>
            {
                await Task.Delay(5);
                return await loader.LoadAsync(((Book)ctx.Parent!).AuthorId);
            });
        });

        var result = await RunAsync(schema, "{ books { author { name } } }", registry);
        Assert.Null(result.Errors);
        Assert.Equal(5, loader.Batches.Sum(b => b.Count));
    }

    [Fact]
    public async Task StandaloneLoaderDispatchesOnItsOwn()
    {
        var loader = new CountingAuthorLoader();
        var a = loader.LoadAsync(1);
        var b = loader.LoadAsync(2);
        var again = loader.LoadAsync(1);
        Assert.Same(a, again);
        var results = await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["Author 1", "Author 2"], results.Select(r => r!.Name));
        Assert.Single(loader.Batches);
    }
}
