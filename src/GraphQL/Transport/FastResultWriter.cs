using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Execution;

namespace CrowNest.GraphQL.Transport;

/// <summary>
/// The common case of <see cref="ResultWriter"/>: a result with data only, written as raw UTF-8 straight into the output
/// buffer. Executor-built objects, arrays, plain-ASCII strings, integers, booleans and null are written directly (names
/// are pre-encoded per selection); every other value goes through <see cref="ResultWriter.WriteValue"/> on a scratch
/// <see cref="Utf8JsonWriter"/> and is copied, so the bytes are identical to the general writer's.
/// </summary>
internal ref struct FastResultWriter
{
    // Plain ASCII that JavaScriptEncoder.UnsafeRelaxedJsonEscaping leaves as is: everything printable except '"' and '\'.
    private static readonly SearchValues<byte> NeedsEscaping = SearchValues.Create(CreateEscapedAscii());

    [ThreadStatic]
    private static Scratch? t_scratch;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _position;

    /// <summary>A writer over <paramref name="output"/> (call <see cref="Flush"/> when done).</summary>
    internal FastResultWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _span = output.GetSpan(4096);
        _position = 0;
    }

    /// <summary>True when <see cref="Write"/> handles the result (data only: no errors, no extensions).</summary>
    public static bool CanWrite(ExecutionResult result) =>
        result.Errors is not { Count: > 0 } && result.Extensions is not { Count: > 0 } && (result.HasData || result.Data is not null);

    /// <summary>Writes <c>{"data":…}</c>.</summary>
    public static void Write(IBufferWriter<byte> output, ExecutionResult result)
    {
        var writer = new FastResultWriter(output);
        writer.WriteRaw("{\"data\":"u8);
        if (result.PreparedData is { HasJson: true } prepared)
        {
            // The executor wrote the data as JSON already (same bytes this writer produces from the tree).
            writer.WriteRaw(prepared.Json);
        }
        else
        {
            writer.WriteValue(result.Data);
        }

        writer.WriteByte((byte)'}');
        writer.Flush();
    }

    /// <summary>Writes any completed value (what the executor puts in a result tree).</summary>
    internal void WriteValue(object? value)
    {
        // Strings and arrays first, by exact type: a `case object?[]` pattern costs a covariant array cast per value.
        if (value is string plain && TryWritePlainString(plain))
        {
            return;
        }

        if (value is not null && value.GetType() == typeof(object[]))
        {
            var items = (object?[])value;
            WriteByte((byte)'[');
            for (var i = 0; i < items.Length; i++)
            {
                if (i > 0)
                {
                    WriteByte((byte)',');
                }

                WriteValue(items[i]);
            }

            WriteByte((byte)']');
            return;
        }

        switch (value)
        {
            case ResultMap map when map.KeyPrefixes is { } prefixes:
                WriteByte((byte)'{');
                for (var i = 0; i < prefixes.Length; i++)
                {
                    // `"key":` (`,"key":` after the first), encoded once per selection. Response keys are GraphQL names
                    // ([_A-Za-z][_0-9A-Za-z]*): their encoded form needs no escaping.
                    WriteRaw(prefixes[i]);
                    WriteValue(map.GetValue(i));
                }

                WriteByte((byte)'}');
                break;
            case null:
                WriteRaw("null"u8);
                break;
            case bool b:
                WriteRaw(b ? "true"u8 : "false"u8);
                break;
            case int i:
                Ensure(11);
                Utf8Formatter.TryFormat(i, _span[_position..], out var intWritten);
                _position += intWritten;
                break;
            case long l:
                Ensure(20);
                Utf8Formatter.TryFormat(l, _span[_position..], out var longWritten);
                _position += longWritten;
                break;
            default:
                WriteViaJsonWriter(value);
                break;
        }
    }

    /// <summary>Writes a string made only of printable ASCII other than '"' and '\' (no escaping needed); false otherwise.</summary>
    private bool TryWritePlainString(string text)
    {
        if (text.Length > 1024)
        {
            return false;
        }

        Ensure(text.Length + 2);
        var target = _span.Slice(_position + 1, text.Length);
        if (text.Length <= 32)
        {
            // Short strings (most values): checked and narrowed four characters at a time in a 64-bit register, which
            // beats both a per-character loop and the setup of two vectorized calls at these lengths.
            ref var source = ref MemoryMarshal.GetReference(text.AsSpan());
            ref var destination = ref MemoryMarshal.GetReference(target);
            var i = 0;
            for (; i + 4 <= text.Length; i += 4)
            {
                var lanes = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref source, i)));
                if (!ArePlain(lanes))
                {
                    return false;
                }

                // Each 16-bit lane is below 0x80 now: gather the low bytes.
                var packed = (uint)(lanes & 0xFF) | (uint)((lanes >> 8) & 0xFF00) | (uint)((lanes >> 16) & 0xFF_0000) | (uint)((lanes >> 24) & 0xFF00_0000);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, i), packed);
            }

            for (; i < text.Length; i++)
            {
                var c = Unsafe.Add(ref source, i);
                if (c is < (char)0x20 or > (char)0x7E or '"' or '\\')
                {
                    return false;
                }

                Unsafe.Add(ref destination, i) = (byte)c;
            }
        }
        else if (Ascii.FromUtf16(text, target, out _) != OperationStatus.Done || target.ContainsAny(NeedsEscaping))
        {
            return false;
        }

        _span[_position] = (byte)'"';
        _span[_position + 1 + text.Length] = (byte)'"';
        _position += text.Length + 2;
        return true;
    }

    /// <summary>
    /// True when each of the four UTF-16 code units in <paramref name="lanes"/> is printable ASCII (0x20-0x7E) other than
    /// '"' and '\': the per-character test of the loop above, done on all four lanes with carry-free arithmetic.
    /// </summary>
    private static bool ArePlain(ulong lanes)
    {
        const ulong Ones = 0x0001_0001_0001_0001;
        const ulong High = 0x0080_0080_0080_0080;
        if ((lanes & 0xFF80_FF80_FF80_FF80) != 0)
        {
            // A lane at or above 0x80.
            return false;
        }

        // Every lane is below 0x80, so adding at most 0x60 per lane never carries into the next lane:
        // lane + 0x60 reaches 0x80 exactly when lane >= 0x20, and lane + 1 reaches 0x80 exactly when lane == 0x7F.
        if (((lanes + (0x60 * Ones)) & High) != High || ((lanes + Ones) & High) != 0)
        {
            return false;
        }

        // A lane equal to '"' or '\' becomes zero after the XOR; (x - 1) & ~x has bit 7 set in a lane exactly when a
        // lane is zero (a borrow only starts at a zero lane, so there are no false answers for "any lane zero").
        var quote = lanes ^ ('"' * Ones);
        var backslash = lanes ^ ('\\' * Ones);
        return ((((quote - Ones) & ~quote) | ((backslash - Ones) & ~backslash)) & High) == 0;
    }

    /// <summary>Any other value: serialized by the general writer into a scratch buffer, then copied.</summary>
    private void WriteViaJsonWriter(object? value)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        ResultWriter.WriteValue(scratch.Writer, value);
        scratch.Writer.Flush();
        WriteRaw(scratch.Buffer.WrittenSpan);
        if (scratch.Buffer.Capacity > 64 * 1024)
        {
            // Do not keep a large buffer per thread after one big value.
            t_scratch = null;
        }
    }

    /// <summary>Writes a string value.</summary>
    internal void WriteString(string text)
    {
        if (!TryWritePlainString(text))
        {
            WriteViaJsonWriter(text);
        }
    }

    internal void WriteByte(byte value)
    {
        Ensure(1);
        _span[_position++] = value;
    }

    internal void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        var length = bytes.Length;
        Ensure(length);
        ref var destination = ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), _position);
        ref var source = ref MemoryMarshal.GetReference(bytes);
        if (length is >= 4 and <= 16)
        {
            // Short pieces (the `,"key":` prefixes): two overlapping unaligned copies instead of a call to memmove.
            if (length >= 8)
            {
                Unsafe.WriteUnaligned(ref destination, Unsafe.ReadUnaligned<ulong>(ref source));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, length - 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, length - 8)));
            }
            else
            {
                Unsafe.WriteUnaligned(ref destination, Unsafe.ReadUnaligned<uint>(ref source));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, length - 4), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, length - 4)));
            }
        }
        else
        {
            bytes.CopyTo(_span[_position..]);
        }

        _position += length;
    }

    private void Ensure(int count)
    {
        if (_span.Length - _position >= count)
        {
            return;
        }

        _output.Advance(_position);
        _position = 0;
        _span = _output.GetSpan(Math.Max(count, 4096));
    }

    internal readonly void Flush() => _output.Advance(_position);

    private static byte[] CreateEscapedAscii()
    {
        var bytes = new List<byte>();
        for (var b = 0; b < 0x20; b++)
        {
            bytes.Add((byte)b);
        }

        bytes.Add((byte)'"');
        bytes.Add((byte)'\\');
        bytes.Add(0x7F);
        return [.. bytes];
    }

    private sealed class Scratch
    {
        public readonly ArrayBufferWriter<byte> Buffer = new(256);
        public readonly Utf8JsonWriter Writer;

        public Scratch() => Writer = new Utf8JsonWriter(Buffer, ResultWriter.WriterOptions);
    }
}
