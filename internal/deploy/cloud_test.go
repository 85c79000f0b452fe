package deploy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// fakeAWS stands in for Parameter Store and Lambda's account settings of
// an account where `cdk bootstrap` has run and the concurrency quota is
// the usual 1,000.
type fakeAWS struct {
	params map[string]fakeParameter
	quota  int32
}

type fakeParameter struct {
	value   string
	version int64
}

func newFakeAWS() *fakeAWS {
	return &fakeAWS{params: map[string]fakeParameter{bootstrapVersionParameter: {"21", 1}}, quota: 1000}
}

func (f *fakeAWS) cloud() *cloud { return &cloud{region: "eu-west-1", params: f, lambda: f} }

func (f *fakeAWS) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	p, ok := f.params[aws.ToString(in.Name)]
	if !ok {
		return nil, &types.ParameterNotFound{Message: aws.String("not found")}
	}
	return &ssm.GetParameterOutput{Parameter: &types.Parameter{Name: in.Name, Value: aws.String(p.value), Version: p.version}}, nil
}

func (f *fakeAWS) PutParameter(_ context.Context, in *ssm.PutParameterInput, _ ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	name := aws.ToString(in.Name)
	p, exists := f.params[name]
	if exists && !aws.ToBool(in.Overwrite) {
		return nil, &types.ParameterAlreadyExists{Message: aws.String("exists")}
	}
	p = fakeParameter{aws.ToString(in.Value), p.version + 1}
	f.params[name] = p
	return &ssm.PutParameterOutput{Version: p.version}, nil
}

func (f *fakeAWS) GetAccountSettings(context.Context, *lambdasdk.GetAccountSettingsInput, ...func(*lambdasdk.Options)) (*lambdasdk.GetAccountSettingsOutput, error) {
	return &lambdasdk.GetAccountSettingsOutput{AccountLimit: &lambdatypes.AccountLimit{ConcurrentExecutions: f.quota}}, nil
}

func TestPreflightAWS(t *testing.T) {
	root := repoRoot(t)
	tests := []struct {
		name   string
		change func(*fakeAWS)
		o      Options
		want   string // "" for no error
	}{
		{"ready", func(*fakeAWS) {}, Options{}, ""},
		{"not bootstrapped", func(f *fakeAWS) { delete(f.params, bootstrapVersionParameter) }, Options{},
			"the CDK is not bootstrapped in eu-west-1 (no CDKToolkit stack): run `cd deploy && npx cdk bootstrap`"},
		{"bootstrapped long ago", func(f *fakeAWS) { f.params[bootstrapVersionParameter] = fakeParameter{"4", 1} }, Options{},
			"the CDK's bootstrap in eu-west-1 is version 4, older than the 6 it needs"},
		{"a new account's quota", func(f *fakeAWS) { f.quota = 10 }, Options{},
			"reservedConcurrency 5 needs a Lambda concurrency quota of at least 105 in eu-west-1, and this account's is 10: pass -c reservedConcurrency=0"},
		{"no reservation, small quota", func(f *fakeAWS) { f.quota = 10 }, Options{Context: []string{"reservedConcurrency=0"}}, ""},
		{"a bigger reservation", func(*fakeAWS) {}, Options{Context: []string{"reservedConcurrency=950"}}, "reservedConcurrency 950 needs"},
		{"destroy needs neither", func(f *fakeAWS) { delete(f.params, bootstrapVersionParameter); f.quota = 10 }, Options{Destroy: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireNode(t)
			f := newFakeAWS()
			tt.change(f)
			o := tt.o
			o.Stage, o.Source, o.cloud = "dev", root, f.cloud()
			_, err := Preflight(context.Background(), &o)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Preflight() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("Preflight() = %v, want %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Fatalf("Preflight() = %q, want one line", err)
			}
		})
	}
}

// TestCredentialsQuiet: off EC2, the SDK's look at the instance metadata
// service fails, and grail deploy prints no SDK warning about it.
func TestCredentialsQuiet(t *testing.T) {
	isolateAWS(t)
	imds := httptest.NewServer(http.NotFoundHandler()) // what IMDS answers where it is off
	defer imds.Close()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "false")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	t.Setenv("AWS_REGION", "eu-west-1")

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w
	err = CheckCredentials(context.Background())
	os.Stderr = stderr
	w.Close()
	var printed strings.Builder
	buf := make([]byte, 4096)
	for {
		n, rerr := r.Read(buf)
		printed.Write(buf[:n])
		if rerr != nil {
			break
		}
	}
	if err == nil || !strings.HasPrefix(err.Error(), "no AWS credentials") {
		t.Errorf("CheckCredentials() = %v, want no AWS credentials", err)
	}
	if printed.Len() > 0 {
		t.Errorf("the SDK printed:\n%s", printed.String())
	}
}
