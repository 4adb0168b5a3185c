using System.Runtime.CompilerServices;
using System.Text;

namespace CrowNest.Sandboxes.Output;

/// <summary>
/// Ordered output of one command: a bounded replay buffer plus live delivery to any number of readers.
/// </summary>
/// <remarks>
/// Readers poll the buffer under a lock and wait on a "changed" signal, so a slow reader never blocks the writer;
/// a reader that falls behind the replay window skips the dropped chunks (sequence numbers show the gap).
/// </remarks>
public sealed class OutputLog
{
    private readonly Lock _lock = new();
    private readonly Queue<OutputChunk> _chunks = new();
    private readonly int _maxBytes;
    private long _bytes;
    private long _sequence;
    private bool _completed;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Creates a log retaining about <paramref name="maxBytes"/> bytes of text.</summary>
    public OutputLog(int maxBytes) => _maxBytes = Math.Max(1024, maxBytes);

    /// <summary>Whether the producer has finished.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_lock)
            {
                return _completed;
            }
        }
    }

    /// <summary>Appends text from a stream (ignored after completion or when empty).</summary>
    public void Append(OutputStream stream, string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            var chunk = new OutputChunk(++_sequence, stream, text, DateTimeOffset.UtcNow);
            _chunks.Enqueue(chunk);
            _bytes += Size(chunk);
            while (_bytes > _maxBytes && _chunks.Count > 1)
            {
                _bytes -= Size(_chunks.Dequeue());
            }

            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>Marks the output as finished; readers complete after draining.</summary>
    public void Complete()
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            signal = _changed;
        }

        signal.TrySetResult();
    }

    /// <summary>Reads retained and then live chunks with a sequence greater than <paramref name="afterSequence"/>.</summary>
    public async IAsyncEnumerable<OutputChunk> ReadAsync(long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var last = afterSequence;
        while (true)
        {
            List<OutputChunk>? batch = null;
            Task wait;
            bool done;
            lock (_lock)
            {
                foreach (var chunk in _chunks)
                {
                    if (chunk.Sequence > last)
                    {
                        (batch ??= []).Add(chunk);
                    }
                }

                done = _completed;
                wait = _changed.Task;
            }

            if (batch is not null)
            {
                foreach (var chunk in batch)
                {
                    last = chunk.Sequence;
                    yield return chunk;
                }

                continue;
            }

            if (done)
            {
                yield break;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Pumps a byte stream into the log, decoding UTF-8 without splitting characters; returns at end of stream.</summary>
    public async Task PumpAsync(Stream source, OutputStream stream, CancellationToken cancellationToken = default)
    {
        var decoder = new UTF8Encoding(false).GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[bytes.Length + 4];
        while (true)
        {
            int read;
            try
            {
                read = await source.ReadAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                read = 0;
            }

            var flush = read == 0;
            var count = decoder.GetChars(bytes, 0, read, chars, 0, flush);
            Append(stream, new string(chars, 0, count));
            if (flush)
            {
                return;
            }
        }
    }

    private static long Size(OutputChunk chunk) => (chunk.Text.Length * 2L) + 64;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
