using Yarp.ReverseProxy.Forwarder;

namespace CrowNest.Edge.Tests;

public sealed class EdgeFailureTests
{
    [Theory]
    [InlineData(ForwarderError.Request, EdgeFailure.PreviewUnavailable, 502, "preview_unavailable")]
    [InlineData(ForwarderError.RequestTimedOut, EdgeFailure.PreviewTimeout, 502, "preview_unavailable")]
    [InlineData(ForwarderError.UpgradeActivityTimeout, EdgeFailure.PreviewTimeout, 502, "preview_unavailable")]
    [InlineData(ForwarderError.UpgradeRequestDestination, EdgeFailure.PreviewUnavailable, 502, "preview_unavailable")]
    [InlineData(ForwarderError.RequestBodyClient, EdgeFailure.InvalidRequest, 400, "invalid_request")]
    [InlineData(ForwarderError.RequestCanceled, EdgeFailure.ClientAborted, 499, "client_closed")]
    public void ForwarderErrorsAreClassifiedBySide(ForwarderError error, EdgeFailure failure, int status, string code)
    {
        Assert.Equal(failure, EdgeFailures.Classify(error));
        Assert.Equal(status, failure.StatusCode());
        Assert.Equal(code, failure.ErrorCode());
    }

    [Fact]
    public void EveryFailureHasAStatusAndACode()
    {
        foreach (var failure in Enum.GetValues<EdgeFailure>())
        {
            Assert.InRange(failure.StatusCode(), 400, 599);
            Assert.Matches("^[a-z_]+$", failure.ErrorCode());
        }

        foreach (var error in Enum.GetValues<ForwarderError>().Where(e => e != ForwarderError.None))
        {
            Assert.True(Enum.IsDefined(EdgeFailures.Classify(error)));
        }
    }
}
