package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/grailblog/grail/internal/store"
)

// Invoker is the part of the Lambda client that InvokeSelf uses.
type Invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// InvokeSelf returns a Dispatch that runs each job in a new asynchronous
// invocation of function (the function's own name): Lambda freezes a
// function between invocations, so work left running after the response
// would stop until the next request, and not at all once the environment
// is recycled. The invocation's payload is {"grailJob":"<id>"}, which the
// function's handler recognises with JobPayload before anything else.
func InvokeSelf(c Invoker, function string) func(ctx context.Context, id string) error {
	return func(ctx context.Context, id string) error {
		if function == "" {
			return errors.New("the function's name is unknown (AWS_LAMBDA_FUNCTION_NAME), so it cannot invoke itself")
		}
		out, err := c.Invoke(ctx, &lambda.InvokeInput{
			FunctionName:   aws.String(function),
			InvocationType: types.InvocationTypeEvent,
			Payload:        Payload(id),
		})
		if err != nil {
			return fmt.Errorf("invoke %s: %w", function, err)
		}
		if out.StatusCode != http.StatusAccepted {
			return fmt.Errorf("invoke %s: status %d, want 202", function, out.StatusCode)
		}
		return nil
	}
}

type payload struct {
	GrailJob string `json:"grailJob"`
}

// Payload is the invocation payload that runs job id.
func Payload(id string) []byte {
	b, _ := json.Marshal(payload{id})
	return b
}

// JobPayload recognises a payload made by Payload and returns its job id.
// HTTP events never start with that key, so the test is a few byte
// comparisons on the hot path.
func JobPayload(p []byte) (id string, ok bool) {
	rest, ok := bytes.CutPrefix(bytes.TrimLeft(p, " \t\r\n"), []byte("{"))
	if !ok || !bytes.HasPrefix(bytes.TrimLeft(rest, " \t\r\n"), []byte(`"grailJob"`)) {
		return "", false
	}
	var v payload
	if json.Unmarshal(p, &v) != nil || !store.ValidJobID(v.GrailJob) {
		return "", false
	}
	return v.GrailJob, true
}
