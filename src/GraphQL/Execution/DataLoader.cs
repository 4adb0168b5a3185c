using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.GraphQL.Execution;

/// <summary>A loader that queues keys and fetches them in batches when dispatched.</summary>
public interface IDataLoader
{
    /// <summary>True when keys are queued and not yet dispatched.</summary>
    bool HasPendingKeys { get; }

    /// <summary>Fetches every queued key in one batch and completes their tasks.</summary>
    Task DispatchAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Per-request set of DataLoaders. The executor dispatches pending batches whenever every runnable resolver is
/// waiting (after each execution "wave"), so keys requested by sibling list items are fetched together.
/// </summary>
public sealed class DataLoaderRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IDataLoader> _loaders = new(StringComparer.Ordinal);
    private readonly List<IDataLoader> _pending = [];
    private TaskCompletionSource? _signal;

    /// <summary>True when at least one loader has queued keys.</summary>
    public bool HasPending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count > 0;
            }
        }
    }

    /// <summary>Returns the loader registered under <paramref name="name"/>, creating it with <paramref name="factory"/> once per registry.</summary>
    public T GetOrAdd<T>(string name, Func<T> factory)
        where T : class, IDataLoader
    {
        ArgumentNullException.ThrowIfNull(factory);
        lock (_lock)
        {
            if (_loaders.TryGetValue(name, out var existing))
            {
                return (T)existing;
            }
        }

        var created = factory();
        lock (_lock)
        {
            if (_loaders.TryGetValue(name, out var existing))
            {
                return (T)existing;
            }

            _loaders[name] = created;
        }

        if (created is IRegistryAware aware)
        {
            aware.Attach(this);
        }

        return created;
    }

    /// <summary>Dispatches every loader with queued keys (concurrently) and waits for their batches.</summary>
    public Task DispatchAllAsync(CancellationToken cancellationToken = default)
    {
        IDataLoader[] loaders;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return Task.CompletedTask;
            }

            loaders = [.. _pending];
            _pending.Clear();
        }

        if (loaders.Length == 1)
        {
            return loaders[0].DispatchAsync(cancellationToken);
        }

        var tasks = new Task[loaders.Length];
        for (var i = 0; i < loaders.Length; i++)
        {
            tasks[i] = loaders[i].DispatchAsync(cancellationToken);
        }

        return Task.WhenAll(tasks);
    }

    internal void MarkPending(IDataLoader loader)
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (!_pending.Contains(loader))
            {
                _pending.Add(loader);
            }

            signal = _signal;
            _signal = null;
        }

        signal?.TrySetResult();
    }

    /// <summary>A task that completes when a key is queued (immediately if some already are).</summary>
    internal Task WhenPending()
    {
        lock (_lock)
        {
            if (_pending.Count > 0)
            {
                return Task.CompletedTask;
            }

            _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _signal.Task;
        }
    }
}

/// <summary>Implemented by loaders that report queued keys to a registry.</summary>
internal interface IRegistryAware
{
    void Attach(DataLoaderRegistry registry);
}

/// <summary>
/// Batches <see cref="LoadAsync"/> calls made in the same execution step into one <see cref="LoadBatchAsync"/> call and
/// caches results per loader instance (one instance per request via <see cref="DataLoaderRegistry"/>).
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type; keys missing from a batch result resolve to <c>default</c>.</typeparam>
public abstract class BatchDataLoader<TKey, TValue> : IDataLoader, IRegistryAware
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, TaskCompletionSource<TValue?>> _cache;
    private List<KeyValuePair<TKey, TaskCompletionSource<TValue?>>>? _queue;
    private DataLoaderRegistry? _registry;
    private int _batchCount;

    /// <summary>Creates a loader; <paramref name="comparer"/> compares keys (default equality when null).</summary>
    protected BatchDataLoader(IEqualityComparer<TKey>? comparer = null) => _cache = new(comparer);

    /// <summary>How many batch fetches ran (diagnostics and tests).</summary>
    public int BatchCount => Volatile.Read(ref _batchCount);

    /// <inheritdoc />
    public bool HasPendingKeys
    {
        get
        {
            lock (_lock)
            {
                return _queue is { Count: > 0 };
            }
        }
    }

    /// <summary>Queues a key (or returns the cached task for it).</summary>
    public Task<TValue?> LoadAsync(TKey key)
    {
        TaskCompletionSource<TValue?> completion;
        bool first;
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var existing))
            {
                return existing.Task;
            }

            // Continuations run inline when the batch completes so the next wave queues its keys before the
            // executor decides whether to dispatch again.
            completion = new TaskCompletionSource<TValue?>();
            _cache[key] = completion;
            _queue ??= [];
            _queue.Add(new(key, completion));
            first = _queue.Count == 1;
        }

        if (first)
        {
            if (_registry is { } registry)
            {
                registry.MarkPending(this);
            }
            else
            {
                // Not owned by an executor: dispatch on the next thread-pool turn, like JavaScript's DataLoader.
                ThreadPool.QueueUserWorkItem(static loader => _ = loader.DispatchAsync(), this, preferLocal: false);
            }
        }

        return completion.Task;
    }

    /// <summary>Queues several keys; the results are in key order.</summary>
    public async Task<IReadOnlyList<TValue?>> LoadManyAsync(IEnumerable<TKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var tasks = keys.Select(LoadAsync).ToArray();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Removes a key from the cache.</summary>
    public void Clear(TKey key)
    {
        lock (_lock)
        {
            _cache.Remove(key);
        }
    }

    /// <inheritdoc />
    public async Task DispatchAsync(CancellationToken cancellationToken = default)
    {
        List<KeyValuePair<TKey, TaskCompletionSource<TValue?>>>? batch;
        lock (_lock)
        {
            batch = _queue;
            _queue = null;
        }

        if (batch is null || batch.Count == 0)
        {
            return;
        }

        var keys = new TKey[batch.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = batch[i].Key;
        }

        IReadOnlyDictionary<TKey, TValue> results;
        try
        {
            Interlocked.Increment(ref _batchCount);
            results = await LoadBatchAsync(keys, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                foreach (var (key, _) in batch)
                {
                    _cache.Remove(key);
                }
            }

            foreach (var (_, completion) in batch)
            {
                if (ex is OperationCanceledException canceled)
                {
                    completion.TrySetCanceled(canceled.CancellationToken);
                }
                else
                {
                    completion.TrySetException(ex);
                }
            }

            return;
        }

        foreach (var (key, completion) in batch)
        {
            completion.TrySetResult(results.TryGetValue(key, out var value) ? value : default);
        }
    }

    /// <summary>Fetches values for a batch of distinct keys.</summary>
    protected abstract Task<IReadOnlyDictionary<TKey, TValue>> LoadBatchAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken);

    void IRegistryAware.Attach(DataLoaderRegistry registry)
    {
        bool pending;
        lock (_lock)
        {
            _registry = registry;
            pending = _queue is { Count: > 0 };
        }

        if (pending)
        {
            registry.MarkPending(this);
        }
    }
}

/// <summary>A <see cref="BatchDataLoader{TKey,TValue}"/> over a fetch delegate.</summary>
/// <param name="fetch">Fetches a batch of keys.</param>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class FuncBatchDataLoader<TKey, TValue>(
    Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> fetch) : BatchDataLoader<TKey, TValue>
    where TKey : notnull
{
    /// <inheritdoc />
    protected override Task<IReadOnlyDictionary<TKey, TValue>> LoadBatchAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken) =>
        fetch(keys, cancellationToken);
}

/// <summary>DataLoader access from resolvers.</summary>
public static class DataLoaderResolverContextExtensions
{
    /// <summary>The request's DataLoader registry.</summary>
    public static DataLoaderRegistry DataLoaders(this IResolverContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context is ResolverContext own)
        {
            return own.State.DataLoaders;
        }

        if (context.ContextData.TryGetValue(typeof(DataLoaderRegistry).FullName!, out var value) && value is DataLoaderRegistry registry)
        {
            return registry;
        }

        throw new InvalidOperationException("No DataLoader registry is available in this resolver context.");
    }

    /// <summary>The request's instance of loader <typeparamref name="T"/> (from request services, else constructed with them).</summary>
    public static T DataLoader<T>(this IResolverContext context)
        where T : class, IDataLoader
    {
        var services = context.Services;
        return context.DataLoaders().GetOrAdd(typeof(T).FullName!, () =>
            services.GetService<T>() ?? ActivatorUtilities.CreateInstance<T>(services));
    }

    /// <summary>The request's loader named <paramref name="name"/>, created over <paramref name="fetch"/> on first use.</summary>
    public static BatchDataLoader<TKey, TValue> GetDataLoader<TKey, TValue>(
        this IResolverContext context,
        string name,
        Func<IReadOnlyList<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> fetch)
        where TKey : notnull =>
        context.DataLoaders().GetOrAdd(name, () => new FuncBatchDataLoader<TKey, TValue>(fetch));
}
