using System.Net;

namespace CrowNest.Edge.Upstream;

/// <summary>Response content over a connection's body stream (read once, as the forwarder does).</summary>
internal sealed class Http1Content : HttpContent
{
    private Stream _stream = Stream.Null;

    public Http1Content With(Stream stream)
    {
        _stream = stream;
        return this;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _stream.CopyToAsync(stream);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _stream.CopyToAsync(stream, cancellationToken);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _stream.CopyTo(stream);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => _stream;

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(_stream);

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Task.FromResult(_stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }

        base.Dispose(disposing);
    }
}
