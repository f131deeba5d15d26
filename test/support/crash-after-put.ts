import type { DynamoDbDocuments } from "../../functions/adapters/dynamodb-documents.ts";

/** Until removed, the process dies right after a state item's put lands (before any effect). */
export function crashAfterStatePut(dynamodb: DynamoDbDocuments): () => void {
  const name = "crashAfterStatePut";
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await next(args);
      if (context.commandName === "PutItemCommand") throw new Error("crashed after the state put");
      return output;
    },
    { step: "initialize", name },
  );
  return () => dynamodb.middlewareStack.remove(name);
}
