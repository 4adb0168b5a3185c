using System.Text.Json;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Types;

public sealed class ClrBindingTests
{
    public enum TaskState
    {
        Todo,
        InProgress,
        Done,
    }

    public sealed record TaskItem(int Id, string Title, TaskState State)
    {
        public string Secret => "hidden";
    }

    public sealed record TaskFilter(TaskState? State, string? TitleContains, IReadOnlyList<int>? Ids);

    public sealed class Cat
    {
        public string Name { get; init; } = "";
    }

    public sealed class Dog
    {
        public string Name { get; init; } = "";
    }

    private const string Sdl = """
        type Query {
          tasks(filter: TaskFilter): [Task!]!
          pets: [Pet!]!
          dict: Task
          json: Task
        }
        type Task { id: Int! title: String! state: TaskState! secret: String }
        enum TaskState { TODO IN_PROGRESS DONE }
        input TaskFilter { state: TaskState titleContains: String ids: [Int!] }
        interface Pet { name: String! }
        type Cat implements Pet { name: String! }
        type Dog implements Pet { name: String! }
        """;

    private static readonly TaskItem[] Items =
    [
        new(1, "Write parser", TaskState.Done),
        new(2, "Write types", TaskState.InProgress),
        new(3, "Write executor", TaskState.Todo),
    ];

    private static Schema BuildSchema(bool withTypeResolver = false)
    {
        var builder = new SchemaBuilder()
            .AddTypeDefinitions(Sdl)
            .BindObject<TaskItem>("Task")
            .BindEnum<TaskState>("TaskState")
            .BindInputObject<TaskFilter>("TaskFilter")
            .BindObject<Cat>("Cat")
            .BindObject<Dog>("Dog")
            .AddResolver("Task.secret", _ => "explicit wins")
            .AddResolver("Query.tasks", ctx =>
            {
                var filter = ctx.Arguments.TryGetValue("filter", out var f) ? (TaskFilter?)f : null;
                return Items.Where(t => filter is null
                    || ((filter.State is null || t.State == filter.State)
                        && (filter.TitleContains is null || t.Title.Contains(filter.TitleContains, StringComparison.Ordinal))
                        && (filter.Ids is null || filter.Ids.Contains(t.Id)))).ToList();
            })
            .AddResolver("Query.pets", _ => new object[] { new Cat { Name = "Tom" }, new Dog { Name = "Rex" } })
            .AddResolver("Query.dict", _ => new Dictionary<string, object?> { ["id"] = 7, ["title"] = "from dict", ["state"] = TaskState.Done })
            .AddResolver("Query.json", _ => JsonDocument.Parse("{\"id\": 8, \"title\": \"from json\", \"state\": \"IN_PROGRESS\"}").RootElement);
        if (withTypeResolver)
        {
            builder.AddTypeResolver("Pet", (value, ctx, _) => (ObjectType)ctx.Schema.GetType(value is Cat ? "Dog" : "Cat")!);
        }

        return builder.Build();
    }

    private static async Task<string> Run(Schema schema, string query, IReadOnlyDictionary<string, object?>? variables = null)
    {
        var result = await Executor.ExecuteAsync(new ExecutionRequest { Schema = schema, Document = Parser.Parse(query), VariableValues = variables });
        return ResultWriter.ToJson(result);
    }

    [Fact]
    public async Task Bound_properties_and_enums_resolve_output()
    {
        var json = await Run(BuildSchema(), "{ tasks { id title state secret } }");
        Assert.Equal(
            """{"data":{"tasks":[{"id":1,"title":"Write parser","state":"DONE","secret":"explicit wins"},{"id":2,"title":"Write types","state":"IN_PROGRESS","secret":"explicit wins"},{"id":3,"title":"Write executor","state":"TODO","secret":"explicit wins"}]}}""",
            json);
    }

    [Fact]
    public async Task Bound_input_objects_and_enums_are_converted_from_literals_and_variables()
    {
        var schema = BuildSchema();
        Assert.Equal(
            """{"data":{"tasks":[{"id":2}]}}""",
            await Run(schema, "{ tasks(filter: {state: IN_PROGRESS, titleContains: \"Write\"}) { id } }"));
        Assert.Equal(
            """{"data":{"tasks":[{"id":1},{"id":3}]}}""",
            await Run(schema, "query($f: TaskFilter) { tasks(filter: $f) { id } }", new Dictionary<string, object?>
            {
                ["f"] = new Dictionary<string, object?> { ["ids"] = new List<object?> { 1L, 3L } },
            }));
        var taskState = (EnumType)schema.GetType("TaskState")!;
        Assert.Equal(TaskState.InProgress, taskState.Values["IN_PROGRESS"].RuntimeValue);
        Assert.Equal(typeof(TaskFilter), ((InputObjectType)schema.GetType("TaskFilter")!).RuntimeType);
    }

    [Fact]
    public async Task Runtime_types_resolve_interfaces_unless_a_type_resolver_is_registered()
    {
        Assert.Equal(
            """{"data":{"pets":[{"__typename":"Cat","name":"Tom"},{"__typename":"Dog","name":"Rex"}]}}""",
            await Run(BuildSchema(), "{ pets { __typename name } }"));
        Assert.Equal(
            """{"data":{"pets":[{"__typename":"Dog","name":"Tom"},{"__typename":"Cat","name":"Rex"}]}}""",
            await Run(BuildSchema(withTypeResolver: true), "{ pets { __typename name } }"));
    }

    [Fact]
    public async Task Bound_resolvers_fall_back_to_dictionaries_and_json()
    {
        Assert.Equal(
            """{"data":{"dict":{"id":7,"title":"from dict","state":"DONE"},"json":{"id":8,"title":"from json","state":"IN_PROGRESS"}}}""",
            await Run(BuildSchema(), "{ dict { id title state } json { id title state } }"));
    }

    [Fact]
    public async Task Default_resolvers_read_properties_dictionaries_and_json_elements()
    {
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("type Query { a: Thing b: Thing c: Thing d: [Thing] } type Thing { name: String n: Int tags: [String] missing: String }")
            .UseDefaultResolvers()
            .Build();
        var root = new Dictionary<string, object?>
        {
            ["a"] = new { Name = "anon", N = 1, Tags = new[] { "x" } },
            ["b"] = new Dictionary<string, object?> { ["name"] = "dict", ["n"] = 2L },
            ["c"] = JsonDocument.Parse("{\"name\":\"json\",\"n\":3,\"tags\":[\"p\",\"q\"]}").RootElement,
            ["d"] = JsonDocument.Parse("[{\"name\":\"j1\"},{\"name\":\"j2\"}]").RootElement,
        };
        var result = await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = schema,
            Document = Parser.Parse("{ a { name n tags missing } b { name n tags } c { name n tags } d { name } }"),
            RootValue = root,
        });
        Assert.Equal(
            """{"data":{"a":{"name":"anon","n":1,"tags":["x"],"missing":null},"b":{"name":"dict","n":2,"tags":null},"c":{"name":"json","n":3,"tags":["p","q"]},"d":[{"name":"j1"},{"name":"j2"}]}}""",
            ResultWriter.ToJson(result));
    }

    [Fact]
    public void Property_getters_are_compiled_once_and_match_names_case_insensitively()
    {
        var getter = ClrBinding.GetGetter(typeof(TaskItem), "title");
        Assert.NotNull(getter);
        Assert.Same(getter, ClrBinding.GetGetter(typeof(TaskItem), "title"));
        Assert.Equal("Write parser", getter(Items[0]));
        Assert.Null(ClrBinding.GetGetter(typeof(TaskItem), "nope"));
        Assert.Equal("INPROGRESS", ClrBinding.NormalizeEnumName("IN_PROGRESS"));
        Assert.Equal("INPROGRESS", ClrBinding.NormalizeEnumName("InProgress"));
    }

    [Fact]
    public void Input_objects_convert_to_records_with_nested_values()
    {
        var filter = (TaskFilter)ClrBinding.CreateInputObject(typeof(TaskFilter), new Dictionary<string, object?>
        {
            ["state"] = "IN_PROGRESS",
            ["ids"] = new List<object?> { 1, 2 },
        });
        Assert.Equal(TaskState.InProgress, filter.State);
        Assert.Null(filter.TitleContains);
        Assert.Equal([1, 2], filter.Ids!);
    }

    [Fact]
    public void Binding_errors_are_reported()
    {
        var builder = new SchemaBuilder()
            .AddTypeDefinitions("type Query { a: Int } enum E { A IN_PROGRESS MISSING } input I { state: E nope: Int }")
            .AddResolver("Query.a", _ => 1)
            .BindEnum<TaskState>("E")
            .BindInputObject<TaskFilter>("I")
            .BindObject<TaskItem>("E");
        var ex = Assert.Throws<SchemaException>(builder.Build);
        Assert.Equal(
            [
                "BindEnum<TaskState>: enum value \"E.A\" has no matching member of TaskState.",
                "BindEnum<TaskState>: enum value \"E.MISSING\" has no matching member of TaskState.",
                "BindInputObject<TaskFilter>: input field \"I.nope\" has no matching property or constructor parameter on TaskFilter.",
                "BindObject<TaskItem> names \"E\", which is not an object type.",
            ],
            ex.Errors);
    }
}
