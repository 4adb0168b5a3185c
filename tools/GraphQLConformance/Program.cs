using GraphQLConformance;

return await ConformanceCli.RunAsync(args).ConfigureAwait(false);
